/** OpenAPI 3.1 description of the webhook subscriptions API (merged into /api/docs.json). */
import { problemResponse } from '../http/openapiParts.ts';

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
        '201': { description: 'The subscription and its `secret` (whsec_...).' },
        '400': problem,
        ...forbidden,
      },
    },
    get: {
      tags,
      summary: 'Every subscription.',
      responses: { '200': { description: '`{ data: [...] }`' }, ...forbidden },
    },
  },
  '/api/webhooks/subscriptions/{id}': {
    parameters: idParameter,
    get: {
      tags,
      summary: 'One subscription.',
      responses: { '200': { description: 'The subscription.' }, '404': problem, ...forbidden },
    },
    patch: {
      tags,
      summary: 'Change the URL, event types, description, or (de)activate.',
      requestBody: { required: true, content: { 'application/json': { schema: subscriptionInput } } },
      responses: { '200': { description: 'The subscription.' }, '400': problem, '404': problem, ...forbidden },
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
      summary: 'A new signing secret, shown only in this answer; the old one stops signing at once.',
      responses: { '200': { description: 'The subscription and its new `secret`.' }, '404': problem, ...forbidden },
    },
  },
  '/api/webhooks/subscriptions/{id}/deliveries': {
    parameters: idParameter,
    get: {
      tags,
      summary: 'The delivery log, newest first.',
      parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }],
      responses: { '200': { description: '`{ data: [...] }`' }, '404': problem, ...forbidden },
    },
  },
};
