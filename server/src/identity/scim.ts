/**
 * SCIM 2.0 provisioning (RFC 7643, RFC 7644) under /scim/v2: an identity provider creates, updates and
 * deactivates PRM users. Groups are the PRM roles, fixed: adding a user to "PRM Partner Reps" makes
 * them a partnerRep. The partner of a user is the enterprise extension's `organization` (a partner id
 * or CRM id). The caller is the provider's service account: a bearer token of a channelAdmin.
 */
import { halfCharacters, utf8Text } from '../http/textBody.ts';
import { characterCount } from '@prm/core/schema/characters';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleDefinitions, roles, type Role } from '@prm/core/schema/roles';
import { ValidationError } from '@prm/core/errors';
import { endUserAccess } from '../auth/identity.ts';
import { HttpProblem } from '../http/problems.ts';
import type { Doors } from '../http/doors.ts';
import type { Tx } from '../store/repository.ts';
import type { AppUserRow as UserRow } from '../store/systemTables.ts';
import { ScimError, scimFilter } from './scimFilter.ts';
import { auditUser, updateKind, userView } from './userAudit.ts';
import { issueInvitation } from './invitations.ts';
import { isPartnerUser, type Actor } from '../auth/policy.ts';

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The PRM's own extension: the role, when no group gives one (a user is created before group pushes). */
export const prmSchema = 'urn:prm:params:scim:schemas:extension:prm:2.0:User';
const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';
const maxPage = 200;
const scimType = 'application/scim+json';

type Json = Record<string, any>;

const iso = (value: string | Date) => (value instanceof Date ? value : new Date(value)).toISOString();
const groupName = (role: Role) => `PRM ${roleDefinitions[role].label}s`;
const roleForGroup = (id: string): Role | undefined =>
  (roles as readonly string[]).includes(id) ? (id as Role) : undefined;

function userResource(row: UserRow, base: string): Json {
  const role = row.role as Role;
  return {
    schemas: [userSchema, enterpriseSchema, prmSchema],
    id: row.id,
    ...(row.scim_external_id ? { externalId: row.scim_external_id } : {}),
    userName: row.email,
    name: {
      ...(row.given_name ? { givenName: row.given_name } : {}),
      ...(row.family_name ? { familyName: row.family_name } : {}),
      formatted: row.name,
    },
    displayName: row.name,
    emails: [{ value: row.email, type: 'work', primary: true }],
    active: Boolean(row.active),
    groups: [{ value: role, display: groupName(role), $ref: `${base}/Groups/${role}` }],
    [enterpriseSchema]: row.partner_id ? { organization: row.partner_id } : {},
    [prmSchema]: { role },
    meta: {
      resourceType: 'User',
      created: iso(row.created_at),
      lastModified: iso(row.updated_at),
      location: `${base}/Users/${row.id}`,
      version: `W/"${iso(row.updated_at)}"`,
    },
  };
}

function groupResource(role: Role, members: UserRow[], base: string): Json {
  return {
    schemas: [groupSchema],
    id: role,
    displayName: groupName(role),
    members: members.map((row) => ({ value: row.id, display: row.email, $ref: `${base}/Users/${row.id}` })),
    meta: { resourceType: 'Group', location: `${base}/Groups/${role}` },
  };
}

/** Copies with case-insensitive values lower-cased, for filtering (see scimFilter.ts). */
function forFiltering(resource: Json): Json {
  return {
    ...resource,
    userName: resource.userName?.toLowerCase(),
    displayName: resource.displayName?.toLowerCase(),
    emails: resource.emails?.map((email: Json) => ({ ...email, value: String(email.value).toLowerCase() })),
  };
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), for top-level attributes. */
function project(resource: Json, query: Record<string, string>): Json {
  const names = (text?: string) => (text ? text.split(',').map((name) => name.trim().toLowerCase()) : null);
  const wanted = names(query.attributes);
  const excluded = names(query.excludedAttributes);
  const always = new Set(['schemas', 'id']);
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const lower = key.toLowerCase();
      if (always.has(lower)) return true;
      if (wanted) return wanted.some((name) => name === lower || name.startsWith(`${lower}.`));
      return !excluded?.includes(lower);
    }),
  );
}

function page(query: Record<string, string>, all: Json[]): Json {
  const whole = (name: string, fallback: number) => {
    if (query[name] === undefined) return fallback;
    const value = Number(query[name]);
    if (!Number.isInteger(value))
      throw new ScimError(400, 'invalidValue', `${name} must be a whole number, not ${JSON.stringify(query[name])}.`);
    return value;
  };
  // RFC 7644 §3.4.2.4: startIndex below 1 is read as 1, a negative count as 0.
  const startIndex = Math.max(1, whole('startIndex', 1));
  const count = Math.min(maxPage, Math.max(0, whole('count', 100)));
  const slice = all.slice(startIndex - 1, startIndex - 1 + count);
  return {
    schemas: [listSchema],
    totalResults: all.length,
    itemsPerPage: slice.length,
    startIndex,
    Resources: slice.map((resource) => project(resource, query)),
  };
}

const asBoolean = (value: unknown, field: string): boolean => {
  // Entra ID sends "True"/"False" as strings in PATCH values.
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ScimError(400, 'invalidValue', `${field} must be true or false, not ${JSON.stringify(value)}.`);
};

const optionalText = (value: unknown, field: string): string | null => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || characterCount(value) > 255)
    throw new ScimError(400, 'invalidValue', `${field} must be text of at most 255 characters.`);
  return value;
};

async function partnerIdFor(tx: Tx, claimed: string): Promise<string | null> {
  const row = await tx.db
    .selectFrom('partner')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', claimed), eb('crm_id', '=', claimed)]))
    .executeTakeFirst();
  return row ? String(row.id) : null;
}

/** The columns a User resource asks for, checked; `current` gives the role when the resource names none. */
async function userColumns(tx: Tx, resource: Json, current?: UserRow) {
  if (!resource || typeof resource !== 'object' || Array.isArray(resource))
    throw new ScimError(400, 'invalidSyntax', 'The body must be a SCIM User resource (a JSON object).');
  const userName = resource.userName;
  if (typeof userName !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(userName))
    throw new ScimError(
      400,
      'invalidValue',
      "userName is required and must be the user's email address, like name@example.com.",
    );
  const name = resource.name && typeof resource.name === 'object' ? resource.name : {};
  const givenName = optionalText(name.givenName, 'name.givenName');
  const familyName = optionalText(name.familyName, 'name.familyName');
  const displayName =
    optionalText(resource.displayName, 'displayName') ??
    optionalText(name.formatted, 'name.formatted') ??
    ([givenName, familyName].filter(Boolean).join(' ') || userName);
  const organization = resource[enterpriseSchema]?.organization;
  const partnerValue = optionalText(organization, `${enterpriseSchema}:organization`);
  const partnerId = partnerValue ? await partnerIdFor(tx, partnerValue) : null;
  if (partnerValue && !partnerId)
    throw new ScimError(
      400,
      'invalidValue',
      `${enterpriseSchema}:organization is "${partnerValue}", which is neither the id nor the CRM id of a partner in the PRM.`,
    );
  const roleValue = resource[prmSchema]?.role;
  let role: Role;
  if (roleValue !== undefined && roleValue !== null && roleValue !== '') {
    if (!(roles as readonly string[]).includes(roleValue))
      throw new ScimError(400, 'invalidValue', `${prmSchema}:role must be one of: ${roles.join(', ')}.`);
    role = roleValue;
  } else if (current) role = current.role as Role;
  else if (partnerId) role = 'partnerRep';
  else
    // No safe default exists for a vendor employee: every internal role sees every partner's records.
    throw new ScimError(
      400,
      'invalidValue',
      `A user needs ${enterpriseSchema}:organization (a partner id or CRM id; the user becomes a partnerRep) or ${prmSchema}:role.`,
    );
  if (isPartnerUser(role) && !partnerId)
    throw new ScimError(
      400,
      'invalidValue',
      `A ${role} belongs to a partner: ${enterpriseSchema}:organization is required.`,
    );
  if (!isPartnerUser(role) && partnerId)
    throw new ScimError(
      400,
      'invalidValue',
      `A ${role} works for the vendor: ${enterpriseSchema}:organization must be empty.`,
    );
  return {
    email: userName.toLowerCase(),
    name: displayName,
    given_name: givenName,
    family_name: familyName,
    scim_external_id: optionalText(resource.externalId, 'externalId'),
    role,
    partner_id: partnerId,
    active: resource.active === undefined ? true : asBoolean(resource.active, 'active'),
  };
}

async function refuseDuplicates(tx: Tx, columns: { email: string; scim_external_id: string | null }, id?: string) {
  let sameName = tx.db.selectFrom('app_user').select('id').where('email', '=', columns.email);
  if (id) sameName = sameName.where('id', '!=', id);
  if (await sameName.executeTakeFirst())
    throw new ScimError(409, 'uniqueness', `userName ${columns.email} is already taken by another user.`);
  if (columns.scim_external_id) {
    let sameExternal = tx.db
      .selectFrom('app_user')
      .select('id')
      .where('scim_external_id', '=', columns.scim_external_id);
    if (id) sameExternal = sameExternal.where('id', '!=', id);
    if (await sameExternal.executeTakeFirst())
      throw new ScimError(
        409,
        'uniqueness',
        `externalId ${columns.scim_external_id} is already taken by another user.`,
      );
  }
}

async function loadUser(tx: Tx, id: string): Promise<UserRow> {
  const row = await tx.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ScimError(404, undefined, `No user has the id ${id}.`);
  return row;
}

async function writeUser(tx: Tx, now: Date, current: UserRow, resource: Json, actor: Actor): Promise<void> {
  const before = await userView(tx, current.id);
  if (resource.id !== undefined && resource.id !== current.id)
    throw new ScimError(
      400,
      'mutability',
      `id is read-only: it is ${current.id} and cannot become ${JSON.stringify(resource.id)}.`,
    );
  const columns = await userColumns(tx, resource, current);
  await refuseDuplicates(tx, columns, current.id);
  await tx.db
    .updateTable('app_user')
    .set({
      ...columns,
      active: tx.dialect === 'sqlite' ? Number(columns.active) : columns.active,
      updated_at: now.toISOString(),
    })
    .where('id', '=', current.id)
    .execute();
  if (!columns.active) await endUserAccess(tx, current.id);
  await auditUser(tx, now, actor, current.id, updateKind, before);
}

// ——— PATCH (RFC 7644 §3.5.2) ———

interface PathParts {
  schema?: string;
  attribute: string;
  filter?: string;
  sub?: string;
}

function parsePath(path: string): PathParts {
  const extension = [enterpriseSchema, prmSchema].find((urn) => path.toLowerCase().startsWith(`${urn.toLowerCase()}:`));
  const rest = extension ? path.slice(extension.length + 1) : path;
  const match = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(rest);
  if (!match) throw new ScimError(400, 'invalidPath', `The path ${JSON.stringify(path)} is not a SCIM attribute path.`);
  return { schema: extension, attribute: match[1]!, filter: match[2], sub: match[3] };
}

const keyIn = (object: Json, name: string) =>
  Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;

function applyOperation(resource: Json, op: string, path: string | undefined, value: unknown): void {
  if (!path) {
    if (op === 'remove') throw new ScimError(400, 'noTarget', 'A remove operation needs a path.');
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new ScimError(400, 'invalidValue', `An ${op} without a path needs an object value.`);
    // Entra ID puts attribute paths as keys here ("name.givenName"); plain attributes work the same way.
    for (const [key, item] of Object.entries(value as Json)) {
      if (
        [enterpriseSchema, prmSchema].some((urn) => urn.toLowerCase() === key.toLowerCase()) &&
        item &&
        typeof item === 'object'
      )
        for (const [inner, innerValue] of Object.entries(item as Json))
          applyOperation(resource, op, `${key}:${inner}`, innerValue);
      else applyOperation(resource, op, key, item);
    }
    return;
  }
  const parts = parsePath(path);
  if (!parts.schema && parts.attribute.toLowerCase() === 'id')
    throw new ScimError(400, 'mutability', 'id is read-only.');
  const holder: Json = parts.schema ? (resource[parts.schema] ??= {}) : resource;
  const key = keyIn(holder, parts.attribute);
  if (parts.filter) {
    if (key.toLowerCase() !== 'emails')
      throw new ScimError(400, 'invalidPath', `Filtered paths are supported on emails only, not ${parts.attribute}.`);
    const test = scimFilter(parts.filter, (item) => item);
    const list: Json[] = Array.isArray(holder[key]) ? holder[key] : [];
    const matching = list.filter((item) => test(item));
    if (op === 'remove') {
      holder[key] = list.filter((item) => !matching.includes(item));
      return;
    }
    if (!matching.length) {
      // A replace on an email that does not exist yet adds it, with the type the filter named.
      const typed = /type\s+eq\s+"([^"]+)"/i.exec(parts.filter);
      const added: Json = typed ? { type: typed[1] } : {};
      list.push(added);
      matching.push(added);
      holder[key] = list;
    }
    for (const item of matching) {
      if (parts.sub) item[parts.sub] = value;
      else Object.assign(item, value);
    }
    return;
  }
  if (parts.sub) {
    const inner: Json = (holder[key] ??= {});
    if (op === 'remove') delete inner[keyIn(inner, parts.sub)];
    else inner[keyIn(inner, parts.sub)] = value;
    return;
  }
  if (op === 'remove') delete holder[key];
  else if (op === 'add' && Array.isArray(holder[key]) && Array.isArray(value)) holder[key] = [...holder[key], ...value];
  else holder[key] = value;
}

/** The user's emails decide userName when a PATCH changes the primary (work) email. */
function emailsToUserName(before: Json, after: Json): void {
  if (after.userName !== before.userName) return;
  const primary = (after.emails as Json[] | undefined)?.find((email) => email.primary) ?? after.emails?.[0];
  if (primary?.value && primary.value !== before.emails?.[0]?.value) after.userName = primary.value;
}

function patchOperations(body: Json): { op: string; path?: string; value?: unknown }[] {
  if (!body || !Array.isArray(body.schemas) || !body.schemas.includes(patchSchema))
    throw new ScimError(400, 'invalidSyntax', `A PATCH body needs schemas: ["${patchSchema}"].`);
  if (!Array.isArray(body.Operations) || !body.Operations.length)
    throw new ScimError(400, 'invalidSyntax', 'A PATCH body needs a non-empty Operations array.');
  return body.Operations.map((operation: Json, index: number) => {
    const op = String(operation?.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op))
      throw new ScimError(
        400,
        'invalidSyntax',
        `Operations[${index}].op must be add, replace or remove, not ${JSON.stringify(operation?.op)}.`,
      );
    if (operation.path !== undefined && typeof operation.path !== 'string')
      throw new ScimError(400, 'invalidPath', `Operations[${index}].path must be text.`);
    return { op, path: operation.path, value: operation.value };
  });
}

// ——— Groups: membership sets the role ———

const memberIds = (value: unknown, field: string): string[] => {
  if (!Array.isArray(value))
    throw new ScimError(400, 'invalidValue', `${field} must be an array of {"value": "<user id>"}.`);
  return value.map((member) => {
    if (!member || typeof member.value !== 'string')
      throw new ScimError(400, 'invalidValue', `${field} must be an array of {"value": "<user id>"}.`);
    return member.value;
  });
};

async function setRole(tx: Tx, now: Date, userId: string, role: Role, actor: Actor): Promise<void> {
  const user = await loadUser(tx, userId);
  const before = await userView(tx, userId);
  if (isPartnerUser(role) !== Boolean(user.partner_id))
    throw new ScimError(
      400,
      'invalidValue',
      isPartnerUser(role)
        ? `members: user ${user.email} has no partner (enterprise organization), so cannot be a ${role}.`
        : `members: user ${user.email} belongs to a partner, so cannot be a ${role}; clear its organization first.`,
    );
  await tx.db.updateTable('app_user').set({ role, updated_at: now.toISOString() }).where('id', '=', userId).execute();
  await auditUser(tx, now, actor, userId, 'role_change', before);
}

/** Leaving a role's group: a partner user falls back to partnerRep; a vendor user has no safe role left, so is deactivated. */
async function leaveRole(tx: Tx, now: Date, userId: string, role: Role, actor: Actor): Promise<void> {
  const user = await loadUser(tx, userId);
  if (user.role !== role) return;
  const before = await userView(tx, userId);
  if (user.partner_id) {
    await tx.db
      .updateTable('app_user')
      .set({ role: 'partnerRep', updated_at: now.toISOString() })
      .where('id', '=', userId)
      .execute();
    await auditUser(tx, now, actor, userId, 'role_change', before);
    return;
  }
  await tx.db
    .updateTable('app_user')
    .set({ active: tx.dialect === 'sqlite' ? 0 : false, updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
  await endUserAccess(tx, userId);
  await auditUser(tx, now, actor, userId, 'deactivate', before);
}

/**
 * Run at the end of every SCIM write: a change that would take away the calling service account's
 * own access (deactivate, delete, or demote it) is rolled back, so provisioning cannot lock itself out.
 */
async function keepCallerAccess(tx: Tx, callerId: string): Promise<void> {
  const caller = await tx.db.selectFrom('app_user').selectAll().where('id', '=', callerId).executeTakeFirst();
  if (!caller || !caller.active || caller.role !== 'channelAdmin')
    throw new ScimError(
      400,
      'invalidValue',
      'This change would deactivate, delete or demote the service account whose token makes it; nothing was changed. Use another channelAdmin for that.',
    );
}

function serviceDocuments(base: string) {
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

function toScimError(error: any): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof ValidationError)
    return new ScimError(
      400,
      'invalidValue',
      error.problems.map((problem) => `${problem.field} ${problem.message}`).join('; '),
    );
  if (error instanceof HttpProblem) return new ScimError(error.status, undefined, error.message);
  if (typeof error?.statusCode === 'number' && error.statusCode < 500)
    return new ScimError(
      error.statusCode,
      error.statusCode === 400 ? 'invalidSyntax' : undefined,
      String(error.message),
    );
  return new ScimError(
    500,
    undefined,
    'The server failed; nothing was changed. Try again, and tell the PRM operator if it persists.',
  );
}

export async function registerScimRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  await app.register(
    async (scim) => {
      scim.addContentTypeParser(scimType, { parseAs: 'buffer' }, (_request, body, done) => {
        let value: unknown;
        try {
          value = JSON.parse(utf8Text(body as Buffer));
        } catch (error) {
          const reason = error instanceof HttpProblem ? 'The body is not UTF-8 text.' : 'The body is not valid JSON.';
          return done(new ScimError(400, 'invalidSyntax', reason));
        }
        // Half a character would be stored as U+FFFD: refused, as the JSON API refuses it.
        const [half] = halfCharacters(value);
        if (half) return done(new ScimError(400, 'invalidValue', `${half.field} ${half.message}.`));
        done(null, value);
      });
      scim.setErrorHandler((error, request, reply) => {
        const scimError = toScimError(error);
        if (scimError.status >= 500) request.log.error(error);
        return reply
          .code(scimError.status)
          .type(scimType)
          .send({
            schemas: [errorSchema],
            status: String(scimError.status),
            ...(scimError.scimType ? { scimType: scimError.scimType } : {}),
            detail: scimError.message,
          });
      });
      scim.setNotFoundHandler((request, reply) =>
        reply
          .code(404)
          .type(scimType)
          .send({
            schemas: [errorSchema],
            status: '404',
            detail: `Nothing is served at ${request.method} ${request.url}.`,
          }),
      );
      scim.addHook('preHandler', async (request) => {
        // Only a token: a browser session must never be able to provision users.
        if (!request.actor || request.viaCookie)
          throw new ScimError(
            401,
            undefined,
            'Send Authorization: Bearer <API token of a channelAdmin service account>.',
          );
        if (request.actor.role !== 'channelAdmin')
          throw new ScimError(
            403,
            undefined,
            `SCIM needs a channelAdmin's token; this token belongs to a ${request.actor.role}.`,
          );
      });
      scim.addHook('onSend', async (_request, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.type(scimType);
        return payload;
      });

      // Every SCIM write runs here, ending with the check that the caller keeps its own access.
      const write = <T>(request: FastifyRequest, work: (tx: Tx) => Promise<T>): Promise<T> =>
        doors.inTransaction(async (tx) => {
          const result = await work(tx);
          await keepCallerAccess(tx, request.actor!.userId);
          return result;
        });
      const base = (request: FastifyRequest) => `${request.protocol}://${request.headers.host}/scim/v2`;
      const allUsers = (): Promise<UserRow[]> =>
        doors.store.db.selectFrom('app_user').selectAll().orderBy('created_at').orderBy('id').execute();
      const send = (reply: FastifyReply, status: number, body: Json) => reply.code(status).type(scimType).send(body);

      scim.get('/ServiceProviderConfig', async (request) => serviceDocuments(base(request)).serviceProviderConfig);
      scim.get('/ResourceTypes', async (request) => {
        const { resourceTypes } = serviceDocuments(base(request));
        return {
          schemas: [listSchema],
          totalResults: resourceTypes.length,
          itemsPerPage: resourceTypes.length,
          startIndex: 1,
          Resources: resourceTypes,
        };
      });
      scim.get('/Schemas', async (request) => {
        const { schemas } = serviceDocuments(base(request));
        return {
          schemas: [listSchema],
          totalResults: schemas.length,
          itemsPerPage: schemas.length,
          startIndex: 1,
          Resources: schemas,
        };
      });

      // Users are few (people, not records), so a list is filtered in memory with the filter library
      // rather than translated to SQL; that keeps every operator and path form of RFC 7644 exact.
      scim.get('/Users', async (request) => {
        const query = request.query as Record<string, string>;
        let resources = (await allUsers()).map((row) => userResource(row, base(request)));
        if (query.filter) {
          const test = scimFilter(query.filter, forFiltering);
          resources = resources.filter(test);
        }
        return page(query, resources);
      });
      scim.get('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        return project(
          userResource(await loadUser(doors.store, id), base(request)),
          request.query as Record<string, string>,
        );
      });
      scim.post('/Users', async (request, reply) => {
        const now = doors.now();
        const row = await write(request, async (tx) => {
          const columns = await userColumns(tx, request.body as Json);
          await refuseDuplicates(tx, columns);
          const id = randomUUID();
          await tx.db
            .insertInto('app_user')
            .values({
              id,
              ...columns,
              active: tx.dialect === 'sqlite' ? Number(columns.active) : columns.active,
              password_hash: null,
              external_id: null,
              created_at: now.toISOString(),
              updated_at: now.toISOString(),
            })
            .execute();
          await auditUser(tx, now, request.actor!, id, 'create', null);
          // SCIM never sets a PRM password, so the new user gets an invitation to choose one; its link
          // is answered here once, in the PRM extension (identity providers keep what they do not know).
          const invitation = await issueInvitation(
            tx,
            now,
            request.actor!,
            id,
            `${request.protocol}://${request.headers.host}`,
          );
          return { ...(await loadUser(tx, id)), invitation };
        });
        const { invitation, ...user } = row;
        const resource = userResource(user, base(request));
        resource[prmSchema] = {
          ...resource[prmSchema],
          invitation: { url: invitation.url, expiresAt: invitation.expiresAt },
        };
        reply.header('Location', resource.meta.location);
        return send(reply, 201, resource);
      });
      scim.put('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        const row = await write(request, async (tx) => {
          await writeUser(tx, doors.now(), await loadUser(tx, id), request.body as Json, request.actor!);
          return loadUser(tx, id);
        });
        return userResource(row, base(request));
      });
      scim.patch('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        const operations = patchOperations(request.body as Json);
        const row = await write(request, async (tx) => {
          const current = await loadUser(tx, id);
          const before = userResource(current, base(request));
          const after: Json = structuredClone(before);
          for (const operation of operations) applyOperation(after, operation.op, operation.path, operation.value);
          emailsToUserName(before, after);
          await writeUser(tx, doors.now(), current, after, request.actor!);
          return loadUser(tx, id);
        });
        return userResource(row, base(request));
      });
      scim.delete('/Users/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        await write(request, async (tx) => {
          await loadUser(tx, id);
          const before = await userView(tx, id);
          // Sessions and tokens go with the user (on delete cascade).
          await tx.db.deleteFrom('app_user').where('id', '=', id).execute();
          await auditUser(tx, doors.now(), request.actor!, id, 'delete', before);
        });
        return reply.code(204).send();
      });

      const groupsOf = async (request: FastifyRequest) => {
        const users = await allUsers();
        return roles.map((role) =>
          groupResource(
            role,
            users.filter((user) => user.role === role && user.active),
            base(request),
          ),
        );
      };
      const findGroup = (id: string): Role => {
        const role = roleForGroup(id);
        if (!role)
          throw new ScimError(
            404,
            undefined,
            `No group has the id ${id}; the groups are the PRM roles: ${roles.join(', ')}.`,
          );
        return role;
      };
      scim.get('/Groups', async (request) => {
        const query = request.query as Record<string, string>;
        let groups = await groupsOf(request);
        if (query.filter) groups = groups.filter(scimFilter(query.filter, forFiltering));
        return page(query, groups);
      });
      scim.get('/Groups/:id', async (request) => {
        const role = findGroup((request.params as { id: string }).id);
        const group = (await groupsOf(request)).find((item) => item.id === role)!;
        return project(group, request.query as Record<string, string>);
      });
      scim.post('/Groups', async (request) => {
        const displayName = (request.body as Json)?.displayName;
        const role = roles.find((item) => groupName(item).toLowerCase() === String(displayName).toLowerCase());
        if (role)
          throw new ScimError(
            409,
            'uniqueness',
            `The group "${groupName(role)}" already exists with id ${role}; link to it instead of creating it.`,
          );
        throw new ScimError(
          400,
          'invalidValue',
          `displayName: the PRM's groups are its roles and are fixed: ${roles.map(groupName).join(', ')}.`,
        );
      });
      scim.put('/Groups/:id', async (request) => {
        const role = findGroup((request.params as { id: string }).id);
        const body = request.body as Json;
        const wanted = memberIds(body?.members ?? [], 'members');
        await write(request, async (tx) => {
          const now = doors.now();
          const present = (await tx.db.selectFrom('app_user').select('id').where('role', '=', role).execute()).map(
            (row) => String(row.id),
          );
          for (const id of present) if (!wanted.includes(id)) await leaveRole(tx, now, id, role, request.actor!);
          for (const id of wanted) await setRole(tx, now, id, role, request.actor!);
        });
        return (await groupsOf(request)).find((item) => item.id === role)!;
      });
      scim.patch('/Groups/:id', async (request, reply) => {
        const role = findGroup((request.params as { id: string }).id);
        const operations = patchOperations(request.body as Json);
        await write(request, async (tx) => {
          const now = doors.now();
          for (const { op, path, value } of operations) {
            const target =
              path ?? (value && typeof value === 'object' && 'members' in (value as Json) ? 'members' : 'displayName');
            const filtered = /^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i.exec(target);
            if (/^displayName$/i.test(target))
              throw new ScimError(400, 'mutability', 'displayName is read-only: the groups are the PRM roles.');
            if (!filtered && !/^members$/i.test(target))
              throw new ScimError(
                400,
                'invalidPath',
                `The path ${JSON.stringify(target)} is not a Group attribute that can change; use members.`,
              );
            const ids = filtered ? [filtered[1]!] : memberIds(path ? value : (value as Json).members, 'members');
            if (op === 'remove') for (const id of ids) await leaveRole(tx, now, id, role, request.actor!);
            else {
              if (op === 'replace' && !filtered) {
                const present = (
                  await tx.db.selectFrom('app_user').select('id').where('role', '=', role).execute()
                ).map((row) => String(row.id));
                for (const id of present) if (!ids.includes(id)) await leaveRole(tx, now, id, role, request.actor!);
              }
              for (const id of ids) await setRole(tx, now, id, role, request.actor!);
            }
          }
        });
        return reply.code(204).send();
      });
      scim.delete('/Groups/:id', async (request) => {
        findGroup((request.params as { id: string }).id);
        throw new ScimError(400, 'mutability', 'The groups are the PRM roles and cannot be deleted.');
      });
    },
    { prefix: '/scim/v2' },
  );
}
