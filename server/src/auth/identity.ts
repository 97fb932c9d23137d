/**
 * Who is asking: local users with a role (and, for partner users, exactly one partner), passwords
 * hashed with Argon2id (@node-rs/argon2), cookie sessions and bearer API tokens. Session ids and
 * tokens are random 32-byte values; only their SHA-256 is stored, so a database leak reveals neither.
 */
import { characterCount } from '@prm/core/schema/characters';
import type { AppUserRow as UserRow } from '../store/systemTables.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { roles, type Role } from '@prm/core/schema/roles';
import { ValidationError } from '@prm/core/errors';
import type { Tx } from '../store/repository.ts';
import { runPrepared } from '../store/statements.ts';
import { isPartnerUser, type Actor } from './policy.ts';

export const sessionCookie = 'prm_session';
export const sessionHours = 12;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  partnerId?: string | null;
  password?: string;
  externalId?: string | null;
}

const toActor = (row: UserRow): Actor => ({
  userId: row.id,
  email: row.email,
  name: row.name,
  role: row.role as Role,
  partnerId: row.partner_id,
});

export async function createUser(tx: Tx, now: Date, user: NewUser): Promise<Actor> {
  const problems = [];
  if (!(roles as readonly string[]).includes(user.role))
    problems.push({ field: 'role', message: `must be one of: ${roles.join(', ')}` });
  else if (isPartnerUser(user.role) && !user.partnerId)
    problems.push({ field: 'partnerId', message: 'is required for a partner user' });
  else if (!isPartnerUser(user.role) && user.partnerId)
    problems.push({ field: 'partnerId', message: 'must be empty: only partner users belong to a partner' });
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(user.email))
    problems.push({ field: 'email', message: 'must be an email address like name@example.com' });
  if (user.password !== undefined && user.password.length < 12)
    problems.push({ field: 'password', message: 'must be at least 12 characters' });
  if (problems.length) throw new ValidationError(problems);
  const id = randomUUID();
  const timestamp = now.toISOString();
  await tx.db
    .insertInto('app_user')
    .values({
      id,
      email: user.email.toLowerCase(),
      name: user.name,
      role: user.role,
      partner_id: user.partnerId ?? null,
      password_hash: user.password ? await hash(user.password) : null,
      active: tx.dialect === 'sqlite' ? 1 : true,
      external_id: user.externalId ?? null,
      created_at: timestamp,
      updated_at: timestamp,
    })
    .execute();
  return {
    userId: id,
    email: user.email.toLowerCase(),
    name: user.name,
    role: user.role,
    partnerId: user.partnerId ?? null,
  };
}

let dummyHash: Promise<string> | undefined;

/** The actor for an email and password, or null; the same work is done for unknown emails. */
export async function checkPassword(tx: Tx, email: string, password: string): Promise<Actor | null> {
  const row = await tx.db
    .selectFrom('app_user')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  // Verifying against a real hash for unknown emails keeps response times from telling which emails exist.
  dummyHash ??= hash(newSecret());
  const stored = row?.password_hash ?? (await dummyHash);
  const matches = await verify(stored, password).catch(() => false);
  if (!row || !matches || !row.active) return null;
  return toActor(row);
}

export async function startSession(tx: Tx, now: Date, actor: Actor): Promise<{ id: string; expiresAt: Date }> {
  const id = newSecret();
  const expiresAt = new Date(now.getTime() + sessionHours * 3600_000);
  await tx.db
    .insertInto('session')
    .values({
      id_hash: sha256(id),
      user_id: actor.userId,
      expires_at: expiresAt.toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
  return { id, expiresAt };
}

export async function endSession(tx: Tx, id: string): Promise<void> {
  await tx.db.deleteFrom('session').where('id_hash', '=', sha256(id)).execute();
}

export async function actorForSession(tx: Tx, now: Date, id: string): Promise<Actor | null> {
  const row = await tx.db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .selectAll('app_user')
    .select('session.expires_at')
    .where('session.id_hash', '=', sha256(id))
    .executeTakeFirst();
  if (!row || !row.active || new Date(row.expires_at) <= now) return null;
  return toActor(row);
}

/** A new API token for scripts; the secret is returned once and never stored. */
export async function createApiToken(
  tx: Tx,
  now: Date,
  actor: Actor,
  name: string,
): Promise<{ id: string; token: string }> {
  if (!name.trim() || characterCount(name) > 120)
    throw new ValidationError([{ field: 'name', message: 'must be 1 to 120 characters' }]);
  const token = `prm_${newSecret()}`;
  const id = randomUUID();
  await tx.db
    .insertInto('api_token')
    .values({ id, token_hash: sha256(token), user_id: actor.userId, name, created_at: now.toISOString() })
    .execute();
  return { id, token };
}

export async function actorForToken(tx: Tx, token: string): Promise<Actor | null> {
  // A subquery rather than a join: SQLite plans this form faster (docs/server-performance.md), and it
  // runs on every request that carries a token.
  const { rows } = await runPrepared(tx, 'actor-for-token', [sha256(token)], (db, [tokenHash]) =>
    db
      .selectFrom('app_user')
      .selectAll()
      .where('id', '=', db.selectFrom('api_token').select('user_id').where('token_hash', '=', tokenHash)),
  );
  const row = rows[0];
  return row && row.active ? toActor(row) : null;
}

/** Ends every session and API token of a user at once (a deactivated user must lose access now). */
export async function endUserAccess(tx: Tx, userId: string): Promise<void> {
  await tx.db.deleteFrom('session').where('user_id', '=', userId).execute();
  await tx.db.deleteFrom('api_token').where('user_id', '=', userId).execute();
}
