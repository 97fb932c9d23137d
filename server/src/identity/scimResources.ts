/**
 * SCIM's resources as the PRM shows them (RFC 7643): a User per PRM user, a Group per role, and the
 * list answers' paging and attribute projection.
 */
import { roleDefinitions, roles, type Role } from '@prm/core/schema/roles';
import type { AppUserRow as UserRow } from '../store/systemTables.ts';
import { ScimError } from './scimFilter.ts';

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The PRM's own extension: the role, when no group gives one (a user is created before group pushes). */
export const prmSchema = 'urn:prm:params:scim:schemas:extension:prm:2.0:User';
export const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const maxPage = 200;
export const scimType = 'application/scim+json';

export type Json = Record<string, any>;

const iso = (value: string | Date) => (value instanceof Date ? value : new Date(value)).toISOString();
export const groupName = (role: Role) => `PRM ${roleDefinitions[role].label}s`;
export const roleForGroup = (id: string): Role | undefined =>
  (roles as readonly string[]).includes(id) ? (id as Role) : undefined;

export function userResource(row: UserRow, base: string): Json {
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

export function groupResource(role: Role, members: UserRow[], base: string): Json {
  return {
    schemas: [groupSchema],
    id: role,
    displayName: groupName(role),
    members: members.map((row) => ({ value: row.id, display: row.email, $ref: `${base}/Users/${row.id}` })),
    meta: { resourceType: 'Group', location: `${base}/Groups/${role}` },
  };
}

/** Copies with case-insensitive values lower-cased, for filtering (see scimFilter.ts). */
export function forFiltering(resource: Json): Json {
  return {
    ...resource,
    userName: resource.userName?.toLowerCase(),
    displayName: resource.displayName?.toLowerCase(),
    emails: resource.emails?.map((email: Json) => ({ ...email, value: String(email.value).toLowerCase() })),
  };
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), for top-level attributes. */
export function project(resource: Json, query: Record<string, string>): Json {
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

export function page(query: Record<string, string>, all: Json[]): Json {
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
