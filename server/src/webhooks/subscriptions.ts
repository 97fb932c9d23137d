/**
 * Webhook subscriptions kept by the channel admin: where to send which event types, and the signing
 * secret (sealed with the server's secret box, shown once on creation and on rotation). After a
 * rotation the previous secret signs too until it expires, as intake senders' secrets are accepted,
 * so a subscriber switches over without rejecting a delivery. Every change is audited and announced
 * (`webhookSubscription.*`), with the subscription as the API shows it: never a secret.
 */
import type { Updateable } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '@prm/core/errors';
import type { Actor } from '../auth/policy.ts';
import type { SecretBox } from '../auth/secrets.ts';
import { rotationGraceHours } from '../intake/senders.ts';
import type { Tx } from '../store/groupCommit.ts';
import { timeOrderedId } from '../store/ids.ts';
import type { WebhookSubscriptionRow, WebhookSubscriptionTable } from '../store/systemTables.ts';
import { auditChange, NotFoundError } from '../store/repository.ts';
import { patternProblem } from './catalog.ts';
import { eventPattern } from './events.ts';
import { newSigningSecret } from './signing.ts';
import { checkSubscriberUrl, UnsafeUrlError, type SubscriberAddresses } from './ssrf.ts';

const eventType = z
  .string()
  .regex(eventPattern, 'must be *, object.* or object.eventName, e.g. dealRegistration.approved')
  .superRefine((pattern, context) => {
    // A pattern no event can match would be accepted and never fire: refused, naming the types there are.
    const problem = eventPattern.test(pattern) ? patternProblem(pattern) : null;
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const eventTypes = z.array(eventType).min(1, 'must list at least one event type').max(100);

export const newSubscriptionInput = z.strictObject({
  url: z.string().max(2000),
  eventTypes,
  description: z.string().max(500).optional(),
  active: z.boolean().optional(),
});

export const subscriptionChanges = newSubscriptionInput.partial();

export type NewSubscription = z.infer<typeof newSubscriptionInput>;
export type SubscriptionChanges = z.infer<typeof subscriptionChanges>;

/** Parses with zod, turning its issues into our field problems: an unknown key is named as the field. */
export function parseInput<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            field: [...issue.path, key].join('.'),
            message: 'is not a field of this request',
          }))
        : [{ field: issue.path.join('.') || 'body', message: issue.message }],
    ),
  );
}

async function checkUrl(url: string, addresses: SubscriberAddresses): Promise<void> {
  try {
    await checkSubscriberUrl(url, addresses);
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw new ValidationError([{ field: 'url', message: error.message }]);
    throw error;
  }
}

export interface Subscription {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  active: boolean;
  disabledReason: string | null;
  /** Until when the secret from before the last rotation still signs (null: only the current one). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = WebhookSubscriptionRow;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

export function toSubscription(row: Row): Subscription {
  return {
    id: row.id,
    url: row.url,
    description: row.description ?? null,
    eventTypes: JSON.parse(row.event_types),
    active: Boolean(row.active),
    disabledReason: row.disabled_reason ?? null,
    previousSecretExpiresAt: row.previous_secret_sealed ? iso(row.previous_secret_expires_at) : null,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

const flag = (tx: Tx, value: boolean) => (tx.dialect === 'sqlite' ? (value ? 1 : 0) : value);

const notFound = (id: string) => new NotFoundError('No such subscription', `No webhook subscription has the id ${id}.`);

export async function findSubscriptionRow(tx: Tx, id: string): Promise<Row | undefined> {
  return tx.db.selectFrom('webhook_subscription').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getSubscription(tx: Tx, id: string): Promise<Subscription> {
  const row = await findSubscriptionRow(tx, id);
  if (!row) throw notFound(id);
  return toSubscription(row);
}

export async function listSubscriptions(tx: Tx): Promise<Subscription[]> {
  const rows = await tx.db.selectFrom('webhook_subscription').selectAll().orderBy('id').execute();
  return rows.map(toSubscription);
}

const audited = (tx: Tx, now: Date, actor: Actor | null, id: string, action: string, before: unknown, after: unknown) =>
  auditChange(tx, now, actor, 'webhookSubscription', id, action, before, after);

export async function createSubscription(
  tx: Tx,
  box: SecretBox,
  now: Date,
  addresses: SubscriberAddresses,
  input: NewSubscription,
  actor: Actor | null = null,
): Promise<{ subscription: Subscription; secret: string }> {
  await checkUrl(input.url, addresses);
  const secret = newSigningSecret();
  const at = now.toISOString();
  const row = {
    id: `whsub_${timeOrderedId().replace(/-/g, '')}`,
    url: input.url,
    description: input.description ?? null,
    event_types: JSON.stringify(input.eventTypes),
    secret_sealed: box.seal(secret),
    active: flag(tx, input.active ?? true),
    created_at: at,
    updated_at: at,
  };
  await tx.db.insertInto('webhook_subscription').values(row).execute();
  const subscription = await getSubscription(tx, row.id);
  await audited(tx, now, actor, row.id, 'create', null, subscription);
  return { subscription, secret };
}

export async function updateSubscription(
  tx: Tx,
  now: Date,
  addresses: SubscriberAddresses,
  id: string,
  changes: SubscriptionChanges,
  actor: Actor | null = null,
): Promise<Subscription> {
  const before = await getSubscription(tx, id);
  if (changes.url !== undefined) await checkUrl(changes.url, addresses);
  const set: Updateable<WebhookSubscriptionTable> = { updated_at: now.toISOString() };
  if (changes.url !== undefined) set.url = changes.url;
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.eventTypes !== undefined) set.event_types = JSON.stringify(changes.eventTypes);
  if (changes.active !== undefined) {
    set.active = flag(tx, changes.active);
    // Re-enabling clears why it was disabled and lets waiting deliveries go at once.
    if (changes.active) Object.assign(set, { disabled_reason: null, retry_at: null });
  }
  await tx.db.updateTable('webhook_subscription').set(set).where('id', '=', id).execute();
  const after = await getSubscription(tx, id);
  await audited(tx, now, actor, id, 'update', before, after);
  return after;
}

export async function deleteSubscription(
  tx: Tx,
  id: string,
  now = new Date(),
  actor: Actor | null = null,
): Promise<void> {
  const before = await getSubscription(tx, id);
  await tx.db.deleteFrom('webhook_delivery').where('subscription_id', '=', id).execute();
  await tx.db.deleteFrom('webhook_subscription').where('id', '=', id).execute();
  await audited(tx, now, actor, id, 'delete', before, null);
}

/** Disables a subscription whose endpoint answered 410 Gone (the dispatcher's own change). */
export async function disableGoneSubscription(tx: Tx, now: Date, id: string, eventId: string): Promise<void> {
  const before = await getSubscription(tx, id);
  const at = now.toISOString();
  await tx.db
    .updateTable('webhook_subscription')
    .set({
      active: flag(tx, false),
      disabled_reason: `Disabled at ${at}: the endpoint answered 410 Gone to event ${eventId}.`,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
  await audited(tx, now, null, id, 'disable', before, await getSubscription(tx, id));
}

/** A new secret; the previous one goes on signing beside it for the overlap, then only the new one does. */
export async function rotateSecret(
  tx: Tx,
  box: SecretBox,
  now: Date,
  id: string,
  actor: Actor | null = null,
): Promise<{ subscription: Subscription; secret: string }> {
  const row = await findSubscriptionRow(tx, id);
  if (!row) throw notFound(id);
  const secret = newSigningSecret();
  await tx.db
    .updateTable('webhook_subscription')
    .set({
      secret_sealed: box.seal(secret),
      previous_secret_sealed: row.secret_sealed,
      previous_secret_expires_at: new Date(now.getTime() + rotationGraceHours * 3_600_000).toISOString(),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .execute();
  const subscription = await getSubscription(tx, id);
  await audited(tx, now, actor, id, 'rotate-secret', toSubscription(row), subscription);
  return { subscription, secret };
}

/** The secrets a delivery is signed with now: the current one, and the previous one until it expires. */
export function signingSecrets(box: SecretBox, row: Row, now: Date): string[] {
  const secrets = [box.open(row.secret_sealed)];
  const until = iso(row.previous_secret_expires_at);
  if (row.previous_secret_sealed && until && now.toISOString() < until)
    secrets.push(box.open(row.previous_secret_sealed));
  return secrets;
}

export interface DeliveryLogEntry {
  id: number;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** `?limit=` (1 to 200, 50 by default) and `?after=` (the `next` of the previous page). */
export const deliveryLogQuery = z.strictObject({
  limit: z.coerce
    .number('must be a whole number from 1 to 200')
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200')
    .max(200, 'must be a whole number from 1 to 200')
    .default(50),
  after: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be the `next` of the previous page')
    .optional(),
});

/** Newest first, a page at a time: `next` is the cursor of the following page, null on the last. */
export async function deliveryLog(
  tx: Tx,
  subscriptionId: string,
  page: z.infer<typeof deliveryLogQuery>,
): Promise<{ data: DeliveryLogEntry[]; next: string | null }> {
  await getSubscription(tx, subscriptionId);
  let query = tx.db
    .selectFrom('webhook_delivery as d')
    .innerJoin('webhook_event as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type',
      'd.status',
      'd.attempts',
      'd.last_status_code',
      'd.last_error',
      'd.next_attempt_at',
      'd.delivered_at',
      'd.created_at',
    ])
    .where('d.subscription_id', '=', subscriptionId)
    .orderBy('d.id', 'desc')
    .limit(page.limit + 1);
  if (page.after !== undefined) query = query.where('d.id', '<', Number(page.after));
  const rows = await query.execute();
  const data = rows.slice(0, page.limit).map((row) => ({
    id: Number(row.id),
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    attempts: Number(row.attempts),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error ?? null,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at)!,
  }));
  return { data, next: rows.length > page.limit ? String(data.at(-1)!.id) : null };
}
