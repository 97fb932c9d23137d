/**
 * OpenAPI 3.1 description of the webhook subscriptions API (merged into /api/docs.json), and of the
 * events themselves: the document's `webhooks` section, one entry per type of the catalog.
 */
import { prmObjects } from '@prm/core/schema/registry';
import { jsonAnswer, listOf, problemResponse } from '../http/openapiParts.ts';
import { eventCatalog, outsideObjects, subscriptionSchema } from './catalog.ts';

const problem = problemResponse('A problem document (RFC 9457).');
const forbidden = { '401': problem, '403': problem };
const idParameter = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const subscriptionInput = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', description: 'https URL of a public host.' },
    eventTypes: {
      type: 'array',
      items: { type: 'string', examples: ['*', 'dealRegistration.*', 'dealRegistration.approved'] },
      minItems: 1,
    },
    description: { type: 'string', maxLength: 500 },
    active: { type: 'boolean' },
  },
};
const subscription = subscriptionSchema;
const withSecret = {
  allOf: [
    subscription,
    { type: 'object', properties: { secret: { type: 'string', description: 'whsec_…, shown once' } } },
  ],
};
const delivery = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    eventId: { type: 'string' },
    eventType: { type: 'string' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    lastStatusCode: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    deliveredAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const tags = ['Webhooks'];

export const webhookPaths: Record<string, unknown> = {
  '/api/webhooks/subscriptions': {
    post: {
      tags,
      summary: 'Subscribe an endpoint to event types; the answer holds the signing secret, shown only here.',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { ...subscriptionInput, required: ['url', 'eventTypes'] } } },
      },
      responses: {
        '201': jsonAnswer('The subscription and its `secret` (whsec_...).', withSecret),
        '422': problem,
        ...forbidden,
      },
    },
    get: {
      tags,
      summary: 'Every subscription.',
      responses: { '200': jsonAnswer('The subscriptions', listOf(subscription)), ...forbidden },
    },
  },
  '/api/webhooks/subscriptions/{id}': {
    parameters: idParameter,
    get: {
      tags,
      summary: 'One subscription.',
      responses: { '200': jsonAnswer('The subscription.', subscription), '404': problem, ...forbidden },
    },
    patch: {
      tags,
      summary: 'Change the URL, event types, description, or (de)activate.',
      requestBody: { required: true, content: { 'application/json': { schema: subscriptionInput } } },
      responses: { '200': jsonAnswer('The subscription.', subscription), '422': problem, '404': problem, ...forbidden },
    },
    delete: {
      tags,
      summary: 'Delete, with its delivery log.',
      responses: { '204': { description: 'Deleted.' }, '404': problem, ...forbidden },
    },
  },
  '/api/webhooks/subscriptions/{id}/rotate-secret': {
    parameters: idParameter,
    post: {
      tags,
      summary:
        'A new signing secret, shown only in this answer; for 24 hours deliveries are signed with both the old and the new one.',
      responses: {
        '200': jsonAnswer('The subscription and its new `secret`.', withSecret),
        '404': problem,
        ...forbidden,
      },
    },
  },
  '/api/webhooks/subscriptions/{id}/replay': {
    parameters: idParameter,
    post: {
      tags,
      summary:
        'Queue one event, or every event of a time range that the subscription takes, for delivery again (same webhook-id).',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: [
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['eventId'],
                  properties: { eventId: { type: 'string', examples: ['evt_...'] } },
                },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['from', 'to'],
                  properties: {
                    from: { type: 'string', format: 'date-time' },
                    to: { type: 'string', format: 'date-time', description: 'Exclusive; at most 1000 events a call.' },
                  },
                },
              ],
            },
          },
        },
      },
      responses: {
        '202': {
          description: 'Queued behind what already waits for the endpoint.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { queued: { type: 'integer' }, eventIds: { type: 'array', items: { type: 'string' } } },
              },
            },
          },
        },
        '404': problem,
        '422': problem,
        ...forbidden,
      },
    },
  },
  '/api/webhooks/subscriptions/{id}/deliveries': {
    parameters: idParameter,
    get: {
      tags,
      summary: 'The delivery log, newest first.',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        {
          name: 'after',
          in: 'query',
          schema: { type: 'string' },
          description: 'The `next` of the previous page.',
        },
      ],
      responses: {
        '200': jsonAnswer('`next` is the cursor of the following page, null on the last.', {
          ...listOf(delivery),
          properties: { ...listOf(delivery).properties, next: { type: ['string', 'null'] } },
        }),
        '404': problem,
        '422': problem,
        ...forbidden,
      },
    },
  },
};

const schemaName = (object: string) => object.charAt(0).toUpperCase() + object.slice(1);

/** The payload of one event type: the envelope, the record's own schema, and a notice's details. */
function eventPayload(entry: ReturnType<typeof eventCatalog>[number]): Record<string, unknown> {
  const outside = outsideObjects.find((object) => object.name === entry.object);
  const inSchema = prmObjects.some((object) => object.name === entry.object);
  const record = outside
    ? outside.record
    : inSchema
      ? { $ref: `#/components/schemas/${schemaName(entry.object)}` }
      : {};
  return {
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { const: entry.type },
      timestamp: { type: 'string', format: 'date-time', description: 'When the change was made.' },
      data: {
        type: 'object',
        required: ['object', 'id', 'action', 'record', 'changed', ...Object.keys(entry.details ?? {})],
        properties: {
          object: { const: entry.object },
          id: { type: 'string', description: 'The record’s id (the same as `record.id`).' },
          action: { type: 'string', description: 'What made the change: create, update, delete or the action’s name.' },
          record: { ...record, description: 'The record after the change (before it, for a deletion).' },
          changed: { type: 'array', items: { type: 'string' }, description: 'Fields whose values changed.' },
          ...entry.details,
        },
      },
    },
  };
}

/** The `webhooks` section: what each event type's POST to a subscriber holds. */
export function webhookEvents(): Record<string, unknown> {
  return Object.fromEntries(
    eventCatalog().map((entry) => [
      entry.type,
      {
        post: {
          tags,
          summary: entry.summary,
          description:
            'Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); see docs/integration/webhooks.md.',
          requestBody: { required: true, content: { 'application/json': { schema: eventPayload(entry) } } },
          responses: {
            '200': { description: 'Any 2xx: delivered.' },
            '410': { description: 'Gone: the subscription is disabled.' },
          },
        },
      },
    ]),
  );
}
