/**
 * Changes to users made by provisioning (SCIM) and single sign-on, in the audit log through the one
 * audit() of every change, in the change's transaction: so each is also a `user.*` webhook event from
 * the outbox. An entry shows who the user is and may do, never a password hash, token or secret.
 */
import type { PrmObject } from '@prm/core/schema/object';
import type { Actor } from '../auth/policy.ts';
import { audit, type Tx } from '../store/repository.ts';

/** Users are not PRM records; the audit log and the events still name them as object `user`. */
const userObject: PrmObject = {
  name: 'user',
  label: 'User',
  pluralLabel: 'Users',
  description: 'A person who signs in to the PRM.',
  access: {},
  fields: {},
  listView: [],
};

export type UserChange =
  | 'create'
  | 'update'
  | 'deactivate'
  | 'reactivate'
  | 'delete'
  | 'role_change'
  | 'sso_create'
  | 'sso_link'
  | 'sso_update'
  | 'invite'
  | 'invitation_accept';

/** The user as an entry shows them: identity and access, nothing that signs in. */
export async function userView(tx: Tx, userId: string): Promise<UserView | null> {
  const row = await tx.db
    .selectFrom('app_user')
    .select([
      'id',
      'email',
      'name',
      'role',
      'partner_id',
      'active',
      'scim_external_id',
      'external_id',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const iso = (value: unknown) => new Date(value as string).toISOString();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    partnerId: row.partner_id ?? null,
    active: Boolean(row.active),
    scimExternalId: row.scim_external_id ?? null,
    singleSignOn: row.external_id !== null && row.external_id !== undefined,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export type UserView = Record<string, unknown>;

/**
 * Writes the entry of a change already made to one user: `before` as userView read it before the
 * change, the user after it read now. `change` may be decided from both (an update that turns `active`
 * off is a deactivation). A change that changed nothing writes nothing.
 */
export async function auditUser(
  tx: Tx,
  now: Date,
  actor: Actor | null,
  userId: string,
  change: UserChange | ((before: UserView | null, after: UserView | null) => UserChange),
  before: UserView | null,
): Promise<void> {
  const after = await userView(tx, userId);
  // Every write stamps updatedAt, so it alone is no change.
  const substance = (view: UserView | null) => JSON.stringify(view && { ...view, updatedAt: undefined });
  if (substance(before) === substance(after)) return;
  const action = typeof change === 'function' ? change(before, after) : change;
  await audit(tx, now, actor, userObject, userId, action, before, after);
}

/** An update named for what it did to the user's access. */
export function updateKind(before: UserView | null, after: UserView | null): UserChange {
  if (before?.active && after && !after.active) return 'deactivate';
  if (before && !before.active && after?.active) return 'reactivate';
  if (before && after && before.role !== after.role) return 'role_change';
  return 'update';
}

/** An entry for a change the user's view does not show (an invitation issued or used): before and after as given. */
export async function auditUserEntry(
  tx: Tx,
  now: Date,
  actor: Actor | null,
  userId: string,
  change: UserChange,
  before: UserView | null,
  after: UserView | null,
): Promise<void> {
  await audit(tx, now, actor, userObject, userId, change, before, after);
}
