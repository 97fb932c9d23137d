/** SCIM's discovery documents (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and Schemas. */
import { roles } from '@prm/core/schema/roles';
import { userSchema, groupSchema, enterpriseSchema, prmSchema, maxPage, type Json } from './scimResources.ts';

export function serviceDocuments(base: string) {
  const resourceTypes = [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: userSchema,
      schemaExtensions: [
        { schema: enterpriseSchema, required: false },
        { schema: prmSchema, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: groupSchema,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
  const attribute = (name: string, type = 'string', extra: Json = {}) => ({
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  });
  const schemas = [
    {
      id: userSchema,
      name: 'User',
      attributes: [
        attribute('userName', 'string', { required: true, uniqueness: 'server' }),
        attribute('name', 'complex', {
          subAttributes: [attribute('givenName'), attribute('familyName'), attribute('formatted')],
        }),
        attribute('displayName'),
        attribute('emails', 'complex', {
          multiValued: true,
          subAttributes: [attribute('value'), attribute('type'), attribute('primary', 'boolean')],
        }),
        attribute('active', 'boolean'),
        attribute('groups', 'complex', { multiValued: true, mutability: 'readOnly' }),
      ],
    },
    {
      id: enterpriseSchema,
      name: 'EnterpriseUser',
      attributes: [attribute('organization', 'string', { description: 'The partner: its id or CRM id.' })],
    },
    {
      id: prmSchema,
      name: 'PrmUser',
      attributes: [attribute('role', 'string', { caseExact: true, canonicalValues: [...roles] })],
    },
    {
      id: groupSchema,
      name: 'Group',
      attributes: [
        attribute('displayName', 'string', { mutability: 'readOnly' }),
        attribute('members', 'complex', { multiValued: true }),
      ],
    },
  ].map((schema) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    ...schema,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  }));
  const serviceProviderConfig = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: '/api/docs',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxPage },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'An API token of a channelAdmin (POST /api/auth/tokens).',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
  return { resourceTypes, schemas, serviceProviderConfig };
}
