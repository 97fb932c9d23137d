import { jsonAnswer, jsonBody, problemResponse as problem } from '../http/openapiParts.ts';
/** OpenAPI 3.1 description of single sign-on and SCIM provisioning (merged into /api/docs.json). */
type Json = Record<string, unknown>;
const scimJson = (schema: Json) => ({ 'application/scim+json': { schema }, 'application/json': { schema } });
const scimErrorSchema = {
  type: 'object',
  required: ['schemas', 'status', 'detail'],
  properties: {
    schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:Error' } },
    status: { type: 'string', example: '400' },
    scimType: { type: 'string', example: 'invalidValue' },
    detail: { type: 'string' },
  },
};
const scimError = {
  description: 'A SCIM error (RFC 7644 §3.12): schemas, status, scimType, detail.',
  content: { 'application/scim+json': { schema: scimErrorSchema } },
};
const resource = {
  type: 'object',
  required: ['schemas', 'id'],
  properties: {
    schemas: { type: 'array', items: { type: 'string' } },
    id: { type: 'string' },
    meta: {
      type: 'object',
      properties: {
        resourceType: { type: 'string' },
        created: { type: 'string', format: 'date-time' },
        lastModified: { type: 'string', format: 'date-time' },
        location: { type: 'string' },
        version: { type: 'string' },
      },
    },
  },
};
const user = {
  allOf: [
    resource,
    {
      type: 'object',
      description:
        'A SCIM core User with the enterprise extension and the PRM extension (role, partner); see /scim/v2/Schemas.',
      properties: {
        userName: { type: 'string', description: 'The email address the user signs in with' },
        name: { type: 'object', properties: { formatted: { type: 'string' } } },
        displayName: { type: 'string' },
        active: { type: 'boolean' },
        emails: {
          type: 'array',
          items: { type: 'object', properties: { value: { type: 'string' }, primary: { type: 'boolean' } } },
        },
        groups: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' } } } },
      },
      additionalProperties: true,
    },
  ],
};
const group = {
  allOf: [
    resource,
    {
      type: 'object',
      properties: {
        displayName: { type: 'string' },
        members: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' } } } },
      },
    },
  ],
};
const listOf = (item: Json) => ({
  type: 'object',
  required: ['schemas', 'totalResults', 'Resources'],
  properties: {
    schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:ListResponse' } },
    totalResults: { type: 'integer' },
    itemsPerPage: { type: 'integer' },
    startIndex: { type: 'integer' },
    Resources: { type: 'array', items: item },
  },
});
const patchOp = {
  type: 'object',
  required: ['schemas', 'Operations'],
  properties: {
    schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:PatchOp' } },
    Operations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op'],
        properties: { op: { type: 'string', enum: ['add', 'remove', 'replace'] }, path: { type: 'string' }, value: {} },
      },
    },
  },
};
const scimOk = (description: string, schema: Json) => ({
  description,
  content: { 'application/scim+json': { schema } },
});
const scimBody = (schema: Json) => ({ required: true, content: scimJson(schema) });
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const guarded = { '401': scimError, '403': scimError };
const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const listParameters = [
  {
    name: 'filter',
    in: 'query',
    schema: { type: 'string' },
    description: 'RFC 7644 filter, e.g. userName eq "a@b.example".',
  },
  { name: 'startIndex', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  { name: 'count', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 200, default: 100 } },
  { name: 'attributes', in: 'query', schema: { type: 'string' } },
  { name: 'excludedAttributes', in: 'query', schema: { type: 'string' } },
];
const tags = ['SCIM'];
const ssoTags = ['Sign-in'];

export const identityPaths: Record<string, unknown> = {
  '/api/auth/oidc/login': {
    get: {
      tags: ssoTags,
      summary: 'Single sign-on: redirects the browser to the OpenID provider (code flow with PKCE).',
      security: [],
      responses: {
        '302': { description: 'To the provider.' },
        '404': htmlPage('Single sign-on is not configured (an HTML page).'),
      },
    },
  },
  '/api/auth/oidc/callback': {
    get: {
      tags: ssoTags,
      summary: "The provider's redirect back: signs the user in (prm_session cookie) and redirects to /.",
      security: [],
      responses: {
        '302': { description: 'Signed in.' },
        '400': htmlPage('The sign-in expired or was not started in this browser (an HTML page).'),
        '401': htmlPage('The provider refused, or its answer could not be verified (an HTML page).'),
        '403': htmlPage('The claims do not map to a PRM user; the page says which claim to fix.'),
      },
    },
  },
  '/api/users/{id}/invitation': {
    parameters: id,
    post: {
      tags: ssoTags,
      summary:
        'Invite a user to set a password: a single-use link valid for 7 days, shown only in this answer (channel admins)',
      responses: {
        '201': jsonAnswer('The invitation; the link carries the token after #', {
          type: 'object',
          required: ['userId', 'token', 'url', 'expiresAt'],
          properties: {
            userId: { type: 'string' },
            token: { type: 'string' },
            url: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        }),
        '401': problem('Not signed in'),
        '403': problem('Only channel admins invite'),
        '404': problem('No such user'),
        '409': problem('The user is deactivated'),
      },
    },
  },
  '/api/invitations/accept': {
    post: {
      tags: ssoTags,
      summary: 'Set your password with an invitation (no sign-in); the invitation is then spent',
      security: [],
      requestBody: jsonBody({
        type: 'object',
        required: ['token', 'password'],
        properties: { token: { type: 'string' }, password: { type: 'string', minLength: 12 } },
      }),
      responses: {
        '200': jsonAnswer('The password is set: sign in with this email', {
          type: 'object',
          properties: { email: { type: 'string' } },
        }),
        '422': problem('`token` used, replaced or expired, or `password` too short'),
      },
    },
  },
  '/scim/v2/Users': {
    get: {
      tags,
      summary: 'List users (filter, startIndex, count).',
      parameters: listParameters,
      responses: { '200': scimOk('A ListResponse.', listOf(user)), '400': scimError, ...guarded },
    },
    post: {
      tags,
      summary: 'Create a user.',
      requestBody: scimBody(user),
      responses: { '201': scimOk('The user.', user), '400': scimError, '409': scimError, ...guarded },
    },
  },
  '/scim/v2/Users/{id}': {
    parameters: id,
    get: { tags, summary: 'One user.', responses: { '200': scimOk('The user.', user), '404': scimError, ...guarded } },
    put: {
      tags,
      summary: 'Replace a user.',
      requestBody: scimBody(user),
      responses: { '200': scimOk('The user.', user), '400': scimError, '404': scimError, '409': scimError, ...guarded },
    },
    patch: {
      tags,
      summary: 'Change a user (PatchOp); active=false ends its sessions and tokens.',
      requestBody: scimBody(patchOp),
      responses: { '200': scimOk('The user.', user), '400': scimError, '404': scimError, '409': scimError, ...guarded },
    },
    delete: {
      tags,
      summary: 'Delete a user.',
      responses: { '204': { description: 'Deleted.' }, '404': scimError, ...guarded },
    },
  },
  '/scim/v2/Groups': {
    get: {
      tags,
      summary: 'The groups: one per PRM role.',
      parameters: listParameters,
      responses: { '200': scimOk('A ListResponse.', listOf(group)), '400': scimError, ...guarded },
    },
    post: {
      tags,
      summary: 'Groups are fixed: 409 for an existing one, 400 otherwise.',
      'x-prm-always-refused': 'The groups are the PRM roles; they are never created.',
      requestBody: scimBody(group),
      responses: { '400': scimError, '409': scimError, ...guarded },
    },
  },
  '/scim/v2/Groups/{id}': {
    parameters: id,
    get: {
      tags,
      summary: 'One group with its members.',
      responses: { '200': scimOk('The group.', group), '404': scimError, ...guarded },
    },
    put: {
      tags,
      summary: 'Replace the members (sets their role).',
      requestBody: scimBody(group),
      responses: { '200': scimOk('The group.', group), '400': scimError, '404': scimError, ...guarded },
    },
    patch: {
      tags,
      summary: 'Add or remove members (sets their role).',
      requestBody: scimBody(patchOp),
      responses: { '204': { description: 'Changed.' }, '400': scimError, '404': scimError, ...guarded },
    },
    delete: {
      tags,
      summary: 'Groups are fixed: always 400 (404 for an unknown id).',
      'x-prm-always-refused': 'The groups are the PRM roles; they are never deleted.',
      responses: { '400': scimError, '404': scimError, ...guarded },
    },
  },
  '/scim/v2/ServiceProviderConfig': {
    get: {
      tags,
      summary: 'What this SCIM service supports.',
      responses: { '200': scimOk('The configuration.', { type: 'object', additionalProperties: true }), ...guarded },
    },
  },
  '/scim/v2/ResourceTypes': {
    get: {
      tags,
      summary: 'User and Group.',
      responses: { '200': scimOk('A ListResponse.', listOf(resource)), ...guarded },
    },
  },
  '/scim/v2/Schemas': {
    get: {
      tags,
      summary: 'The schemas, with the enterprise and PRM extensions.',
      responses: {
        '200': scimOk('A ListResponse.', listOf({ type: 'object', additionalProperties: true })),
        ...guarded,
      },
    },
  },
};
