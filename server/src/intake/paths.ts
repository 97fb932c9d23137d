/** The intake and xAPI doors in the OpenAPI document (merged by server/src/http/openapi.ts). */
import { jsonAnswer, jsonBody, listOf, problemResponse as problem } from '../http/openapiParts.ts';

const adminErrors = {
  '401': problem('Not signed in'),
  '403': problem('Only channel admins manage intake senders'),
};
const senderParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const sender = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$' },
    scheme: { type: 'string', enum: ['standard-webhooks'] },
    description: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    previousSecretExpiresAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const withSecret = {
  allOf: [sender, { type: 'object', properties: { secret: { type: 'string', description: 'whsec_…, shown once' } } }],
};
const xapiVersionHeader = {
  name: 'X-Experience-API-Version',
  in: 'header',
  required: true,
  schema: { type: 'string', example: '1.0.3' },
};
const statement = { type: 'object', description: 'An xAPI 1.0.3 statement' };
const intakeEvent = {
  type: 'object',
  properties: {
    eventId: { type: 'string', description: 'The webhook-id the sender gave' },
    type: { type: 'string' },
    status: { type: 'string' },
    result: { description: 'What the event did' },
    receivedAt: { type: 'string', format: 'date-time' },
  },
};
const intakeAnswer = {
  type: 'object',
  properties: { handled: { type: 'boolean' }, duplicate: { type: 'boolean' }, result: {} },
  additionalProperties: true,
};
const xapiErrors = {
  // The xAPI specification asks for 400 on a bad statement; the rest of the PRM API answers 422 (docs/api.md).
  '400': problem(
    'A statement is not valid or cannot be placed; `errors` names it, e.g. statement[2].actor.mbox. ' +
      'xAPI answers 400 here, not the 422 of the rest of the API, because the xAPI specification requires it.',
  ),
  '401': problem('No valid PRM API token (Basic password or Bearer)'),
  '403': problem('The token’s user is not a channel admin or channel manager'),
  '409': problem('A different statement was received before under this id'),
};

export const intakePaths = {
  '/api/intake/senders': {
    get: {
      tags: ['Intake'],
      summary: 'The systems allowed to post events (channel admins)',
      responses: { '200': jsonAnswer('The senders', listOf(sender)), ...adminErrors },
    },
    post: {
      tags: ['Intake'],
      summary: 'Register a sender; answers its shared secret once',
      requestBody: jsonBody({
        type: 'object',
        required: ['name'],
        properties: {
          name: sender.properties.name,
          scheme: sender.properties.scheme,
          description: { type: 'string' },
        },
      }),
      responses: {
        '201': { description: 'The sender and its secret', content: { 'application/json': { schema: withSecret } } },
        '422': problem('Name not valid or taken, or unknown scheme'),
        ...adminErrors,
      },
    },
  },
  '/api/intake/senders/{name}': {
    parameters: [senderParameter],
    get: {
      tags: ['Intake'],
      summary: 'One sender (without its secret)',
      responses: { '200': jsonAnswer('The sender', sender), '404': problem('No such sender'), ...adminErrors },
    },
    delete: {
      tags: ['Intake'],
      summary: 'Remove a sender; its deliveries are refused from then on',
      responses: { '204': { description: 'Removed' }, '404': problem('No such sender'), ...adminErrors },
    },
  },
  '/api/intake/senders/{name}/rotate-secret': {
    parameters: [senderParameter],
    post: {
      tags: ['Intake'],
      summary: 'A new secret, answered once; the previous one is accepted for 24 hours more',
      responses: {
        '200': {
          description: 'The sender and its new secret',
          content: { 'application/json': { schema: withSecret } },
        },
        '404': problem('No such sender'),
        ...adminErrors,
      },
    },
  },
  '/api/intake/senders/{name}/events': {
    parameters: [
      senderParameter,
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
    ],
    get: {
      tags: ['Intake'],
      summary: 'The latest events received from the sender and what they did',
      responses: {
        '200': jsonAnswer('The events, newest first', listOf(intakeEvent)),
        '404': problem('No such sender'),
        ...adminErrors,
      },
    },
  },
  '/api/intake/{sender}': {
    post: {
      tags: ['Intake'],
      summary: 'Deliver a signed event `{ type, data }` (Standard Webhooks headers; no session)',
      security: [],
      parameters: [
        { name: 'sender', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['type', 'data'],
              properties: { type: { type: 'string', example: 'salesOrder.upserted' }, data: { type: 'object' } },
            },
          },
        },
      },
      responses: {
        '200': jsonAnswer(
          'Handled (`handled: true`, with the result), or a redelivery (`duplicate: true`)',
          intakeAnswer,
        ),
        '202': jsonAnswer('Accepted and recorded; no handler for this type (`handled: false`)', intakeAnswer),
        '400': problem('Body not UTF-8 JSON'),
        '401': problem('Headers missing, timestamp outside the 5-minute window, or no matching signature'),
        '404': problem('No such sender'),
        '422': problem(
          'Envelope or data not valid; `errors` names `type`, `data` or `data.<field>`; the event id stays unused',
        ),
      },
    },
  },
  '/xapi/about': {
    get: {
      tags: ['xAPI'],
      summary: 'The xAPI versions spoken',
      security: [],
      responses: {
        '200': jsonAnswer('The versions', {
          type: 'object',
          required: ['version'],
          properties: { version: { type: 'array', items: { type: 'string', example: '1.0.3' } } },
        }),
        '404': problem('Nothing else is served under /xapi/about'),
      },
    },
  },
  '/xapi/statements': {
    post: {
      tags: ['xAPI'],
      summary: 'Record LMS statements (one or an array, all or nothing); completions complete enrollments',
      parameters: [xapiVersionHeader],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { oneOf: [statement, { type: 'array', items: statement }] } } },
      },
      responses: {
        '200': {
          description: 'The statement ids, in order',
          content: { 'application/json': { schema: { type: 'array', items: { type: 'string', format: 'uuid' } } } },
        },
        ...xapiErrors,
      },
    },
    put: {
      tags: ['xAPI'],
      summary: 'Record one statement under the id in the query string',
      parameters: [
        xapiVersionHeader,
        { name: 'statementId', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: statement } } },
      responses: { '204': { description: 'Recorded' }, ...xapiErrors },
    },
  },
};
