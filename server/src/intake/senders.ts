/**
 * Intake senders: the systems allowed to post events (the ERP, a CRM portal), each with its signature
 * scheme and a shared secret the server generates. The secret is shown once, when made or rotated, and
 * kept sealed with the server's secret box, since verifying an HMAC needs the secret itself.
 */
import { newSigningSecret } from '../webhooks/signing.ts';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import { ValidationError } from '@prm/core/errors';
import { problemsOf } from '@prm/core/schema/validate';
import type { SecretBox } from '../auth/secrets.ts';
import type { Actor } from '../auth/policy.ts';
import { NotFoundError, type Tx } from '../store/repository.ts';
import { writeAuditEntry } from '../store/auditLog.ts';
import type { IntakeSenderTable } from '../store/systemTables.ts';
import { timeOrderedId } from '../store/ids.ts';
import { schemes, type Scheme } from './verify.ts';

/** How long the secret before a rotation keeps working, so the sender can switch without losing events. */
export const rotationGraceHours = 24;

export const senderName = z
  .string('must be a name such as erp or hubspot-prod')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
    'must be 1 to 40 lowercase letters, digits or -, such as hubspot-prod',
  );

export const newSenderBody = z.strictObject({
  name: senderName,
  scheme: z.enum(schemes, `must be one of: ${schemes.join(', ')}`).default('standard-webhooks'),
  description: z.string('must be text').max(500, 'must be at most 500 characters').nullable().optional(),
});

export interface Sender {
  id: string;
  name: string;
  scheme: Scheme;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** Until when the secret replaced by the last rotation is still accepted. */
  previousSecretExpiresAt: string | null;
}

type SenderRow = Selectable<IntakeSenderTable>;

const iso = (value: string | Date | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();

function toSender(row: SenderRow): Sender {
  return {
    id: row.id,
    name: row.name,
    scheme: row.scheme as Scheme,
    description: row.description,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
  };
}

/** A sender's Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newSecret = () => newSigningSecret(32);

export function parseNewSender(body: unknown): z.infer<typeof newSenderBody> {
  const parsed = newSenderBody.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(problemsOf(parsed.error, body));
  return parsed.data;
}

export const noSuchSender = (name: string) => new NotFoundError('No such sender', `No intake sender is named ${name}.`);

/**
 * Managing a sender's credentials is recorded in the audit log like a change to a record (never the
 * secret, only that it changed), so an admin can see who let which system in and when.
 */
async function auditSender(
  tx: Tx,
  now: Date,
  actor: Actor,
  id: string,
  action: 'create' | 'rotate-secret' | 'delete',
  before: Sender | null,
  after: Sender | null,
): Promise<void> {
  // The entry alone: a sender is no webhook event (see webhooks/catalog.ts), so no audit hooks run.
  await writeAuditEntry(tx, now, actor, { object: 'intakeSender', recordId: id, action, before, after });
}

async function senderRow(tx: Tx, name: string): Promise<SenderRow | undefined> {
  return tx.db.selectFrom('intake_sender').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function createSender(
  tx: Tx,
  box: SecretBox,
  now: Date,
  actor: Actor,
  input: z.infer<typeof newSenderBody>,
): Promise<{ sender: Sender; secret: string }> {
  if (await senderRow(tx, input.name))
    throw new ValidationError([{ field: 'name', message: `is already used by another sender: choose another name` }]);
  const secret = newSecret();
  const at = now.toISOString();
  const row = {
    id: timeOrderedId(now.getTime()),
    name: input.name,
    scheme: input.scheme,
    description: input.description ?? null,
    secret_sealed: box.seal(secret),
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await tx.db.insertInto('intake_sender').values(row).execute();
  await auditSender(tx, now, actor, row.id, 'create', null, toSender(row));
  return { sender: toSender(row), secret };
}

export async function listSenders(tx: Tx): Promise<Sender[]> {
  const rows = await tx.db.selectFrom('intake_sender').selectAll().orderBy('name').execute();
  return rows.map(toSender);
}

export async function getSender(tx: Tx, name: string): Promise<Sender> {
  const row = await senderRow(tx, name);
  if (!row) throw noSuchSender(name);
  return toSender(row);
}

export async function deleteSender(tx: Tx, now: Date, actor: Actor, name: string): Promise<void> {
  const row = await senderRow(tx, name);
  if (!row) throw noSuchSender(name);
  await tx.db.deleteFrom('intake_sender').where('id', '=', row.id).execute();
  await auditSender(tx, now, actor, row.id, 'delete', toSender(row), null);
}

/** A new secret; the old one keeps working for the grace period, then only the new one does. */
export async function rotateSecret(
  tx: Tx,
  box: SecretBox,
  now: Date,
  actor: Actor,
  name: string,
): Promise<{ sender: Sender; secret: string }> {
  const row = await senderRow(tx, name);
  if (!row) throw noSuchSender(name);
  const secret = newSecret();
  const changes = {
    secret_sealed: box.seal(secret),
    previous_secret_sealed: row.secret_sealed,
    previous_secret_expires_at: new Date(now.getTime() + rotationGraceHours * 3_600_000).toISOString(),
    updated_at: now.toISOString(),
  };
  await tx.db.updateTable('intake_sender').set(changes).where('id', '=', row.id).execute();
  const sender = toSender({ ...row, ...changes });
  await auditSender(tx, now, actor, row.id, 'rotate-secret', toSender(row), sender);
  return { sender, secret };
}

/** The sender and the secrets a delivery may be signed with now, or undefined when no sender has that name. */
export async function senderForDelivery(
  tx: Tx,
  box: SecretBox,
  now: Date,
  name: string,
): Promise<{ sender: Sender; secrets: string[] } | undefined> {
  const row = await senderRow(tx, name);
  if (!row) return undefined;
  const secrets = [box.open(row.secret_sealed)];
  const previousUntil = iso(row.previous_secret_expires_at);
  if (row.previous_secret_sealed && previousUntil && now.toISOString() < previousUntil)
    secrets.push(box.open(row.previous_secret_sealed));
  return { sender: toSender(row), secrets };
}
