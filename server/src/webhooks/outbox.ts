/**
 * The transactional outbox: every audited change (store/repository.ts) runs emitWebhookEvent inside
 * the change's transaction (registerOutbox), so an event exists exactly when its change committed.
 * Registering a deal is the hottest write, so the active subscriptions' patterns are kept in memory
 * per store and a change that no subscription wants costs no SQL at all; the cache is dropped
 * whenever this process changes a subscription and read again at least every few seconds (for
 * changes made by another server process). Writing a row wakes the dispatchers once it committed: on
 * the embedded store through the connection's commit, on PostgreSQL by a NOTIFY sent in the same
 * transaction (so every server process hears it).
 */
import { sql } from 'kysely';
import type { Db, Store } from '../store/database.ts';
import { onCommit, type Tx } from '../store/groupCommit.ts';
import { runPrepared, runPreparedRows } from '../store/statements.ts';
import { onAudit, type AuditedChange } from '../store/auditHooks.ts';
import { eventTypeOf, landingStatusType, patternsMatch, webhookEvent, type WebhookEvent } from './events.ts';

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
  const rows = await runPrepared(tx, 'webhook-active', [tx.dialect === 'sqlite' ? 1 : true], (db, [active]) =>
    db.selectFrom('webhook_subscription').select(['id', 'event_types']).where('active', '=', active),
  );
  const subscriptions = rows.rows.map((row) => ({ id: row.id, patterns: JSON.parse(row.event_types) as string[] }));
  caches.set(key, { loadedAt: clock, subscriptions });
  return subscriptions;
}

/** The NOTIFY channel; the payload is the schema written to, so stores sharing a database keep apart. */
const outboxChannel = 'prm_webhook_outbox';

/** Embedded stores whose connection wrote outbox rows since its last commit. */
const written = new WeakSet<Db>();
const wakers = new WeakMap<Db, Set<() => void>>();

/**
 * Calls `wake` after each commit that wrote outbox rows to the store, in this process or (PostgreSQL)
 * any other; resolves with the function that stops it. A wake-up may come with nothing due (a later
 * rollback to a savepoint of the same batch): a dispatcher then finds nothing and waits again.
 */
export async function onOutboxWritten(store: Store, wake: () => void): Promise<() => Promise<void>> {
  if (store.listen) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    const schema = rows[0].schema;
    return store.listen(outboxChannel, (payload) => {
      if (payload === schema) wake();
    });
  }
  const root = store.db;
  let listeners = wakers.get(root);
  if (!listeners) {
    const created = new Set<() => void>();
    wakers.set(root, created);
    onCommit(root, () => {
      if (!written.delete(root)) return;
      for (const listener of created) listener();
    });
    listeners = created;
  }
  listeners.add(wake);
  return async () => void listeners.delete(wake);
}

const outboxHooks = { afterEntry: emitWebhookEvent };

/** Every audited change of every object writes its webhook events. */
export function registerOutbox(): void {
  onAudit('*', outboxHooks);
}

/** Writes the entry's events and one pending delivery per subscription that wants each, in the caller's transaction. */
export async function emitWebhookEvent(tx: Tx, entry: AuditedChange): Promise<void> {
  const subscriptions = await activeSubscriptions(tx);
  if (subscriptions.length === 0) return;
  const types = [eventTypeOf(entry), landingStatusType(entry)].filter((type) => type !== null);
  let resolved = entry;
  for (const type of types) {
    const targets = subscriptions.filter((subscription) => patternsMatch(subscription.patterns, type));
    if (targets.length === 0) continue;
    if (typeof resolved.record === 'function') resolved = { ...entry, record: (await resolved.record()) ?? null };
    await writeEvent(tx, webhookEvent(resolved, type), resolved, targets);
  }
}

async function writeEvent(tx: Tx, event: WebhookEvent, entry: AuditedChange, targets: ActiveSubscription[]) {
  const at = entry.at.toISOString();
  const eventRow = {
    id: event.id,
    type: event.type,
    object: entry.object,
    record_id: entry.recordId,
    payload: event.payload,
    created_at: at,
  };
  await runPreparedRows(tx, 'webhook-event', [eventRow], (db, rows) => db.insertInto('webhook_event').values(rows));
  const deliveryRows = targets.map((target) => ({
    event_id: event.id,
    subscription_id: target.id,
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    created_at: at,
  }));
  await runPreparedRows(tx, `webhook-deliveries:${targets.length}`, deliveryRows, (db, rows) =>
    db.insertInto('webhook_delivery').values(rows),
  );
  await outboxWritten(tx);
}

/** Wakes the dispatchers once the caller's transaction commits: it wrote deliveries to send. */
export async function outboxWritten(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres')
    await runPrepared(tx, 'webhook-notify', [outboxChannel], (db, args) =>
      db.selectNoFrom((eb) => eb.fn('pg_notify', [eb.val(args[0]), eb.fn('current_schema', [])]).as('sent')),
    );
  else written.add(tx.root ?? tx.db);
}
