/** OpenAPI 3.1 description of single sign-on and SCIM provisioning (merged into /api/docs.json). */
const scimError = {
  description: 'A SCIM error (RFC 7644 §3.12): schemas, status, scimType, detail.',
  content: { 'application/scim+json': {} },
};
const scimOk = (description: string) => ({ description, content: { 'application/scim+json': {} } });
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
const scimBody = { required: true, content: { 'application/scim+json': {}, 'application/json': {} } };
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
        '404': { description: 'Single sign-on is not configured (an HTML page).' },
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
        '400': { description: 'The sign-in expired or was not started in this browser (an HTML page).' },
        '401': { description: 'The provider refused, or its answer could not be verified (an HTML page).' },
        '403': { description: 'The claims do not map to a PRM user; the page says which claim to fix.' },
      },
    },
  },
  '/scim/v2/Users': {
    get: {
      tags,
      summary: 'List users (filter, startIndex, count).',
      parameters: listParameters,
      responses: { '200': scimOk('A ListResponse.'), '400': scimError, ...guarded },
    },
    post: {
      tags,
      summary: 'Create a user.',
      requestBody: scimBody,
      responses: { '201': scimOk('The user.'), '400': scimError, '409': scimError, ...guarded },
    },
  },
  '/scim/v2/Users/{id}': {
    parameters: id,
    get: { tags, summary: 'One user.', responses: { '200': scimOk('The user.'), '404': scimError, ...guarded } },
    put: {
      tags,
      summary: 'Replace a user.',
      requestBody: scimBody,
      responses: { '200': scimOk('The user.'), '400': scimError, '404': scimError, '409': scimError, ...guarded },
    },
    patch: {
      tags,
      summary: 'Change a user (PatchOp); active=false ends its sessions and tokens.',
      requestBody: scimBody,
      responses: { '200': scimOk('The user.'), '400': scimError, '404': scimError, '409': scimError, ...guarded },
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
      responses: { '200': scimOk('A ListResponse.'), '400': scimError, ...guarded },
    },
    post: {
      tags,
      summary: 'Groups are fixed: 409 for an existing one, 400 otherwise.',
      requestBody: scimBody,
      responses: { '400': scimError, '409': scimError, ...guarded },
    },
  },
  '/scim/v2/Groups/{id}': {
    parameters: id,
    get: {
      tags,
      summary: 'One group with its members.',
      responses: { '200': scimOk('The group.'), '404': scimError, ...guarded },
    },
    put: {
      tags,
      summary: 'Replace the members (sets their role).',
      requestBody: scimBody,
      responses: { '200': scimOk('The group.'), '400': scimError, ...guarded },
    },
    patch: {
      tags,
      summary: 'Add or remove members (sets their role).',
      requestBody: scimBody,
      responses: { '204': { description: 'Changed.' }, '400': scimError, ...guarded },
    },
  },
  '/scim/v2/ServiceProviderConfig': {
    get: {
      tags,
      summary: 'What this SCIM service supports.',
      responses: { '200': scimOk('The configuration.'), ...guarded },
    },
  },
  '/scim/v2/ResourceTypes': {
    get: { tags, summary: 'User and Group.', responses: { '200': scimOk('A ListResponse.'), ...guarded } },
  },
  '/scim/v2/Schemas': {
    get: {
      tags,
      summary: 'The schemas, with the enterprise and PRM extensions.',
      responses: { '200': scimOk('A ListResponse.'), ...guarded },
    },
  },
};
