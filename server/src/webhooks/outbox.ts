/**
 * The transactional outbox: audit() (store/repository.ts) calls emitWebhookEvent inside the change's
 * transaction, so an event exists exactly when its change committed. Registering a deal is the hottest
 * write, so the active subscriptions' patterns are kept in memory per store and a change that no
 * subscription wants costs no SQL at all; the cache is dropped whenever this process changes a
 * subscription and read again at least every few seconds (for changes made by another server process).
 */
import type { Db } from '../store/database.ts';
import type { Tx } from '../store/groupCommit.ts';
import { runPrepared } from '../store/statements.ts';
import { eventTypeOf, patternsMatch, webhookEvent, type AuditEntry } from './events.ts';

export const cacheMilliseconds = 5_000;

interface ActiveSubscription {
  id: string;
  patterns: string[];
}

interface Cached {
  loadedAt: number;
  subscriptions: ActiveSubscription[];
}

const caches = new WeakMap<Db, Cached>();

/** Called after this process changed a subscription of the store (and again once that committed). */
export function forgetSubscriptions(root: Db): void {
  caches.delete(root);
}

async function activeSubscriptions(tx: Tx): Promise<ActiveSubscription[]> {
  const key = tx.root ?? tx.db;
  const cached = caches.get(key);
  const clock = Date.now();
  if (cached && clock - cached.loadedAt < cacheMilliseconds) return cached.subscriptions;
  const rows = await runPrepared<{ id: string; event_types: string }>(
    tx,
    'webhook-active',
    [tx.dialect === 'sqlite' ? 1 : true],
    (db, args) => db.selectFrom('webhook_subscription').select(['id', 'event_types']).where('active', '=', args[0]),
  );
  const subscriptions = rows.rows.map((row) => ({ id: row.id, patterns: JSON.parse(row.event_types) as string[] }));
  caches.set(key, { loadedAt: clock, subscriptions });
  return subscriptions;
}

const eventColumns = ['id', 'type', 'object', 'record_id', 'payload', 'created_at'] as const;
const deliveryColumns = ['event_id', 'subscription_id', 'status', 'attempts', 'next_attempt_at', 'created_at'] as const;

/** Writes the event and one pending delivery per subscription that wants it, in the caller's transaction. */
export async function emitWebhookEvent(tx: Tx, entry: AuditEntry): Promise<void> {
  const subscriptions = await activeSubscriptions(tx);
  if (subscriptions.length === 0) return;
  const type = eventTypeOf(entry);
  const targets = subscriptions.filter((subscription) => patternsMatch(subscription.patterns, type));
  if (targets.length === 0) return;
  const event = webhookEvent(entry, type);
  const at = entry.at.toISOString();
  const eventValues = [event.id, type, entry.object, entry.recordId, event.payload, at];
  await runPrepared(tx, 'webhook-event', eventValues, (db, args) =>
    db.insertInto('webhook_event').values(Object.fromEntries(eventColumns.map((column, i) => [column, args[i]]))),
  );
  const deliveryValues = targets.flatMap((target) => [event.id, target.id, 'pending', 0, at, at]);
  await runPrepared(tx, `webhook-deliveries:${targets.length}`, deliveryValues, (db, args) =>
    db
      .insertInto('webhook_delivery')
      .values(
        targets.map((_, row) =>
          Object.fromEntries(deliveryColumns.map((column, i) => [column, args[row * deliveryColumns.length + i]])),
        ),
      ),
  );
}
