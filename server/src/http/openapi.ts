/**
 * The OpenAPI 3.1 document, built from the schema: one collection per PRM object with its input
 * schema (converted from the generated zod validators by zod's own JSON Schema export) and problem
 * documents for errors.
 */
import { z } from 'zod';
import { prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { inputValidators } from '@prm/core/generated/validators';
import { objectNamed } from '@prm/core/schema/registry';
import type { ActionDefinition } from './actions.ts';
import { intakePaths } from '../intake/paths.ts';
import { importPaths } from '../imports/paths.ts';
import { webhookEvents, webhookPaths } from '../webhooks/paths.ts';
import { identityPaths } from '../identity/paths.ts';
import { jsonAnswer, jsonBody, listOf, problemResponse } from './openapiParts.ts';
import { filterFields, rolesReading, sortFields } from './listQuery.ts';
import type { PrmObject } from '@prm/core/schema/object';
import { roles } from '@prm/core/schema/roles';

type Json = Record<string, unknown>;

const errors = {
  '401': problemResponse('Not signed in'),
  '403': problemResponse('Not allowed for your role, or a field you may not change (named in `errors`)'),
  '422': problemResponse('Input not valid; `errors` names each field and why'),
};
const idHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 8, maxLength: 255 },
  description: 'Retrying a POST with the same key returns the first answer and has no second effect.',
};
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description: 'The ETag of the version you read, e.g. "3".',
};

/** Each lookup says which collection its id is from, so a client can fetch or offer the choices. */
function markLookups(object: PrmObject, input: Json): void {
  const properties = (input.properties ?? {}) as Record<string, Json>;
  for (const [name, field] of Object.entries(object.fields)) {
    if (field.kind !== 'lookup' || !properties[name]) continue;
    const target = objectNamed(prmObjects, field.target);
    const collection = restCollection(target);
    properties[name]['x-prm-lookup'] = { collection, object: target.name };
    properties[name].description = `The id of a ${target.label.toLowerCase()} (GET /api/${collection}/{id}).`;
  }
}

/** The list's query: paging, sort and the field filters, exactly those http/listQuery.ts accepts. */
function listParameters(object: PrmObject, input: Json): Json[] {
  const properties = (input.properties ?? {}) as Record<string, Json>;
  const readers = (name: string) => `Only for roles that may read the field: ${rolesReading(object, name).join(', ')}.`;
  return [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    {
      name: 'after',
      in: 'query',
      schema: { type: 'string' },
      description: 'The `next` cursor of the previous page, with the same `sort`.',
    },
    {
      name: 'sort',
      in: 'query',
      schema: { type: 'string', enum: sortFields(object).flatMap((field) => [field, `-${field}`]) },
      description:
        'Order by a field, `-` first for descending; records with the same value by id, empty values last. ' +
        'Only fields your role may read.',
    },
    ...filterFields(object).map((name) => ({
      name,
      in: 'query',
      required: false,
      schema: queryValueSchema(properties[name]),
      description: `Only records whose ${name} equals this value. ${readers(name)}`,
    })),
  ];
}

/** A filter's value as the query string carries it: one value of the field (a list field: its JSON text). */
function queryValueSchema(property: Json | undefined): Json {
  if (!property) return { type: 'string' };
  const { description: _description, default: _default, 'x-prm-lookup': _lookup, ...schema } = property;
  return schema.type === 'array' || schema.anyOf ? { type: 'string' } : schema;
}

const etagHeader = { description: 'The version, for If-Match', schema: { type: 'string', example: '"3"' } };
const locationHeader = { description: 'Where the new record is read', schema: { type: 'string' } };
/** Every action's answer: the record, and anything else beside it under its own name (docs/api.md). */
const withRecord = (ref: Json): Json => ({
  type: 'object',
  required: ['record'],
  properties: { record: ref },
  additionalProperties: true,
});
const signedIn = {
  type: 'object',
  required: ['user'],
  properties: {
    user: {
      type: 'object',
      properties: {
        userId: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string', enum: [...roles] },
        partnerId: { type: ['string', 'null'], description: 'The partner of a partner user' },
      },
    },
  },
};
const auditEntry = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    actorId: { type: ['string', 'null'] },
    actorRole: { type: 'string' },
    object: { type: 'string' },
    recordId: { type: 'string' },
    action: { type: 'string' },
    before: {},
    after: {},
  },
};
/** A collection action that changes nothing answers a report of its own shape (docs/api.md). */
const report = {
  description: 'The report; a report with one item per record holds them in `data`',
  content: { 'application/json': { schema: { type: 'object' } } },
};

export function openApiDocument(actions: readonly ActionDefinition[] = []): Json {
  const paths: Json = {};
  const schemas: Json = {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details.',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  };
  for (const object of prmObjects) {
    const input = z.toJSONSchema(inputValidators[object.name as keyof typeof inputValidators], {
      unrepresentable: 'any',
    }) as Json;
    delete input.$schema;
    markLookups(object, input);
    const name = object.name.charAt(0).toUpperCase() + object.name.slice(1);
    schemas[`${name}Input`] = { ...input, description: object.description };
    schemas[name] = {
      allOf: [
        {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            crmId: { type: ['string', 'null'] },
            createdAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            version: { type: 'integer' },
          },
        },
        // The input's fields, not the input itself: its additionalProperties would refuse the id and
        // timestamps above, and its required fields may be left out of an answer (fields not readable).
        { type: 'object', properties: input.properties },
      ],
      description: `${object.description} Fields your role may not read are left out.`,
    };
    const ref = { $ref: `#/components/schemas/${name}` };
    const base = `/api/${restCollection(object)}`;
    const tag = object.pluralLabel;
    paths[base] = {
      get: {
        tags: [tag],
        summary: `List ${object.pluralLabel.toLowerCase()} you may see`,
        parameters: listParameters(object, input),
        responses: {
          '200': {
            description: 'A page',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['data', 'next', 'total'],
                  properties: {
                    data: { type: 'array', items: ref },
                    next: { type: ['string', 'null'], description: 'The cursor of the next page; null on the last.' },
                    total: {
                      type: 'integer',
                      description: 'How many records you may see match the filters, on every page.',
                    },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
      post: {
        tags: [tag],
        summary: `Create a ${object.label.toLowerCase()}`,
        parameters: [idHeader],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Input` } } },
        },
        responses: { '201': { description: 'Created', content: { 'application/json': { schema: ref } } }, ...errors },
      },
    };
    paths[`${base}/{id}`] = {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        tags: [tag],
        summary: `Read a ${object.label.toLowerCase()}`,
        responses: {
          '200': { description: 'The record', content: { 'application/json': { schema: ref } } },
          '404': problemResponse('No such record, or not yours to see'),
          ...errors,
        },
      },
      patch: {
        tags: [tag],
        summary: `Change a ${object.label.toLowerCase()}`,
        parameters: [ifMatch],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Input` } } },
        },
        responses: {
          '200': { description: 'Changed', content: { 'application/json': { schema: ref } } },
          '412': problemResponse('Changed by someone else since you read it'),
          '428': problemResponse('If-Match missing'),
          ...errors,
        },
      },
      delete: {
        tags: [tag],
        summary: `Delete a ${object.label.toLowerCase()}`,
        parameters: [ifMatch],
        responses: { '204': { description: 'Deleted' }, '409': problemResponse('Still referenced'), ...errors },
      },
    };
  }
  for (const action of actions) {
    const object = objectNamed(prmObjects, action.object);
    const base = `/api/${restCollection(object)}`;
    const body = action.body
      ? (z.toJSONSchema(action.body, { unrepresentable: 'any', io: 'input' }) as Json)
      : { type: 'object' };
    delete body.$schema;
    const description =
      'public' in action && action.public
        ? 'Open to anyone, without signing in.'
        : `Allowed for: ${action.roles.join(', ')}.`;
    const ref = { $ref: `#/components/schemas/${object.name.charAt(0).toUpperCase()}${object.name.slice(1)}` };
    if (action.on === 'record') {
      paths[`${base}/{id}/${action.name}`] = {
        post: {
          tags: [object.pluralLabel],
          summary: action.summary,
          description,
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { ...ifMatch, required: false },
            idHeader,
          ],
          requestBody: { content: { 'application/json': { schema: body } } },
          responses: {
            '200': {
              description: 'The record after the action, and what else the action tells, each under its own name',
              headers: { ETag: etagHeader },
              content: { 'application/json': { schema: withRecord(ref) } },
            },
            '404': problemResponse('No such record, or not yours'),
            '409': problemResponse('Not possible in the record\u2019s current state'),
            ...errors,
          },
        },
      };
    } else {
      const operation =
        action.method === 'GET'
          ? {
              tags: [object.pluralLabel],
              summary: action.summary,
              description,
              parameters: Object.keys((body.properties as Json) ?? {}).map((name) => ({
                name,
                in: 'query',
                schema: (body.properties as Json)[name],
              })),
              responses: { '200': report, ...errors },
            }
          : {
              tags: [object.pluralLabel],
              summary: action.summary,
              description,
              ...(action.public ? { security: [] } : {}),
              parameters: [idHeader],
              requestBody: { content: { 'application/json': { schema: body } } },
              responses: action.creates
                ? {
                    '201': {
                      description: 'Created: the record, as a create answers it, and what else the action tells',
                      headers: { ETag: etagHeader, Location: locationHeader },
                      content: { 'application/json': { schema: withRecord(ref) } },
                    },
                    ...errors,
                  }
                : { '200': report, ...errors },
            };
      paths[`${base}/${action.name}`] = { [action.method.toLowerCase()]: operation };
    }
  }
  Object.assign(paths, intakePaths);
  Object.assign(paths, importPaths);
  Object.assign(paths, webhookPaths);
  Object.assign(paths, identityPaths);
  paths['/api/auth/login'] = {
    post: {
      tags: ['Sign-in'],
      summary: 'Sign in with email and password; sets the session cookie',
      security: [],
      requestBody: jsonBody({
        type: 'object',
        required: ['email', 'password'],
        properties: { email: { type: 'string' }, password: { type: 'string' } },
      }),
      responses: {
        '200': jsonAnswer('Signed in', signedIn),
        '401': problemResponse('Wrong email or password'),
        '422': problemResponse('Missing fields'),
      },
    },
  };
  paths['/api/auth/logout'] = {
    post: {
      tags: ['Sign-in'],
      summary: 'Sign out: ends the session and clears its cookie (nothing to do without one)',
      security: [],
      responses: {
        '204': { description: 'Signed out' },
        '403': problemResponse('The request came from another site (Origin) with this session'),
      },
    },
  };
  paths['/api/auth/me'] = {
    get: {
      tags: ['Sign-in'],
      summary: 'Who you are signed in as',
      responses: {
        '200': jsonAnswer('The user', signedIn),
        '401': errors['401'],
      },
    },
  };
  paths['/api/auth/tokens'] = {
    post: {
      tags: ['Sign-in'],
      summary: 'Create a bearer API token for scripts (shown once)',
      parameters: [idHeader],
      requestBody: jsonBody({
        type: 'object',
        properties: { name: { type: 'string', description: 'What the token is for, e.g. "nightly export"' } },
      }),
      responses: {
        '201': {
          description: 'The token, shown only in this answer (only its SHA-256 is kept)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'token'],
                properties: {
                  id: { type: 'string' },
                  token: { type: 'string', description: 'Send as Authorization: Bearer <token>' },
                },
              },
            },
          },
        },
        '401': errors['401'],
        '422': errors['422'],
      },
    },
  };
  paths['/api/audit-log'] = {
    get: {
      tags: ['Audit'],
      summary: 'Who changed what, when, before and after (channel admins)',
      parameters: [
        { name: 'object', in: 'query', schema: { type: 'string', example: 'user' } },
        { name: 'recordId', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
      ],
      responses: {
        '200': jsonAnswer('Entries, newest first', listOf(auditEntry)),
        ...errors,
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'PRM inside the CRM',
      version: '0.1.0',
      description: 'The PRM server API. Every error is an RFC 9457 problem document naming the field.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { bearer: [] }],
    paths,
    webhooks: webhookEvents(),
    components: {
      schemas,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'prm_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
