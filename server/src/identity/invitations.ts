/**
 * Invitations: a single-use link, valid for seven days, that lets a user with no password (one SCIM
 * provisioned) choose one. The token is shown once, to the channel admin who invites (or in the SCIM
 * answer that created the user); only its SHA-256 is kept. A new invitation replaces the user's
 * unused ones. Sending it by e-mail waits for notifications (docs/integration/scim.md).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { ValidationError } from '@prm/core/errors';
import type { Actor } from '../auth/policy.ts';
import { HttpProblem } from '../http/problems.ts';
import type { Tx } from '../store/repository.ts';
import { auditUserEntry, userView } from './userAudit.ts';

export const invitationDays = 7;
const tokenPrefix = 'prmi_';

export interface Invitation {
  userId: string;
  /** Shown only here: the link carries it after `#`, so it never reaches a server log. */
  token: string;
  url: string;
  expiresAt: string;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function issueInvitation(
  tx: Tx,
  now: Date,
  actor: Actor,
  userId: string,
  origin: string,
): Promise<Invitation> {
  const before = await userView(tx, userId);
  if (!before) throw new HttpProblem(404, 'not-found', 'No such user', `No user has the id ${userId}.`);
  if (!before.active)
    throw new HttpProblem(
      409,
      'user-deactivated',
      'The user is deactivated',
      'Reactivate the user before inviting them.',
    );
  await tx.db.deleteFrom('user_invitation').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + invitationDays * 86_400_000).toISOString();
  await tx.db
    .insertInto('user_invitation')
    .values({
      id: randomUUID(),
      user_id: userId,
      token_hash: digest(token),
      created_by: actor.userId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  await auditUserEntry(tx, now, actor, userId, 'invite', before, { ...before, invitationExpiresAt: expiresAt });
  return { userId, token, url: `${origin}/invitation#${token}`, expiresAt };
}

const notValid = () =>
  new ValidationError([
    {
      field: 'token',
      message: 'is not a valid invitation: it was used, replaced or has expired; ask your admin for a new one',
    },
  ]);

/** Sets the password of the invited user and spends the invitation; answers whose it was. */
export async function acceptInvitation(
  tx: Tx,
  now: Date,
  input: { token?: unknown; password?: unknown },
): Promise<{ email: string }> {
  const problems = [];
  if (typeof input.token !== 'string' || !input.token.startsWith(tokenPrefix))
    problems.push({ field: 'token', message: 'is required: the part of the invitation link after #' });
  if (typeof input.password !== 'string' || input.password.length < 12)
    problems.push({ field: 'password', message: 'must be at least 12 characters' });
  if (problems.length) throw new ValidationError(problems);
  const tokenHash = digest(input.token as string);
  const row = await tx.db
    .selectFrom('user_invitation')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  // Found by the SHA-256 of a 256-bit random token, as API tokens are: timing of the lookup reveals
  // nothing an attacker could use to build a valid token.
  if (!row) throw notValid();
  if (row.used_at !== null || new Date(row.expires_at as string).getTime() <= now.getTime()) throw notValid();
  const userId = String(row.user_id);
  const before = await userView(tx, userId);
  if (!before?.active) throw notValid();
  const spent = await tx.db
    .updateTable('user_invitation')
    .set({ used_at: now.toISOString() })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) throw notValid();
  await tx.db
    .updateTable('app_user')
    .set({ password_hash: await hash(input.password as string), updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
  const invited: Actor = {
    userId,
    name: String(before.name),
    email: String(before.email),
    role: before.role as Actor['role'],
    partnerId: (before.partnerId as string | null) ?? null,
  };
  await auditUserEntry(tx, now, invited, userId, 'invitation_accept', before, {
    ...(await userView(tx, userId)),
    passwordSet: true,
  });
  return { email: invited.email };
}
