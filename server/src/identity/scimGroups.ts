/**
 * SCIM Groups are the PRM roles: joining a role's group sets the role, leaving it falls back; no
 * SCIM write may take away the calling service account's own access.
 */
import type { Role } from '@prm/core/schema/roles';
import { endUserAccess } from '../auth/identity.ts';
import type { Tx } from '../store/repository.ts';
import { ScimError } from './scimFilter.ts';
import { auditUser, userView } from './userAudit.ts';
import { isPartnerUser, type Actor } from '../auth/policy.ts';
import { loadUser } from './scimUsers.ts';

export const memberIds = (value: unknown, field: string): string[] => {
  if (!Array.isArray(value))
    throw new ScimError(400, 'invalidValue', `${field} must be an array of {"value": "<user id>"}.`);
  return value.map((member) => {
    if (!member || typeof member.value !== 'string')
      throw new ScimError(400, 'invalidValue', `${field} must be an array of {"value": "<user id>"}.`);
    return member.value;
  });
};

export async function setRole(tx: Tx, now: Date, userId: string, role: Role, actor: Actor): Promise<void> {
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
export async function leaveRole(tx: Tx, now: Date, userId: string, role: Role, actor: Actor): Promise<void> {
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
export async function keepCallerAccess(tx: Tx, callerId: string): Promise<void> {
  const caller = await tx.db.selectFrom('app_user').selectAll().where('id', '=', callerId).executeTakeFirst();
  if (!caller || !caller.active || caller.role !== 'channelAdmin')
    throw new ScimError(
      400,
      'invalidValue',
      'This change would deactivate, delete or demote the service account whose token makes it; nothing was changed. Use another channelAdmin for that.',
    );
}
