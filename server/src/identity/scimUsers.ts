/**
 * A SCIM User resource written as a PRM user: its columns checked (role, partner, email, external id),
 * duplicates refused, the change audited.
 */
import { characterCount } from '@prm/core/schema/characters';
import { roles, type Role } from '@prm/core/schema/roles';
import { endUserAccess } from '../auth/identity.ts';
import type { Tx } from '../store/repository.ts';
import type { AppUserRow as UserRow } from '../store/systemTables.ts';
import { ScimError } from './scimFilter.ts';
import { auditUser, updateKind, userView } from './userAudit.ts';
import { isPartnerUser, type Actor } from '../auth/policy.ts';
import { enterpriseSchema, prmSchema, type Json } from './scimResources.ts';

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
export async function userColumns(tx: Tx, resource: Json, current?: UserRow) {
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

export async function refuseDuplicates(
  tx: Tx,
  columns: { email: string; scim_external_id: string | null },
  id?: string,
) {
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

export async function loadUser(tx: Tx, id: string): Promise<UserRow> {
  const row = await tx.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ScimError(404, undefined, `No user has the id ${id}.`);
  return row;
}

export async function writeUser(tx: Tx, now: Date, current: UserRow, resource: Json, actor: Actor): Promise<void> {
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
