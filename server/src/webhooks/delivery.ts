/**
 * Delivering the outbox. Each subscription's deliveries go out one at a time in the order their changes
 * were written (so a subscriber sees a record's events in order), under a lease on the subscription so
 * two dispatchers (two server processes on PostgreSQL) never send to one endpoint at once. Each
 * subscription has its own loop, so a slow or hanging endpoint delays only its own queue; a commit that
 * wrote outbox rows wakes the dispatcher (outbox.ts), and a poll remains as the safety net. A delivery
 * is marked delivered only after the subscriber answered 2xx; a server killed in between sends it again
 * with the same webhook-id once the lease runs out (at-least-once), which subscribers de-duplicate.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { SecretBox } from '../auth/secrets.ts';
import type { Selectable } from 'kysely';
import type { Store } from '../store/database.ts';
import type { WebhookDeliveryTable, WebhookEventTable, WebhookSubscriptionRow } from '../store/systemTables.ts';
import { forgetSubscriptions, onOutboxWritten } from './outbox.ts';
import { signDelivery } from './signing.ts';
import { disableGoneSubscription, signingSecrets } from './subscriptions.ts';
import { checkUrlForm, guardedLookup, type SubscriberAddresses } from './ssrf.ts';

export interface Backoff {
  /** Delay before the second attempt. */
  baseMs: number;
  factor: number;
  capMs: number;
  /** Attempts in all before a delivery is given up as failed. */
  maxAttempts: number;
}

/** 30 s, 2 min, 8 min, 32 min, 2 h, 8 h, 8 h: eight attempts over about 19 hours. */
export const defaultBackoff: Backoff = { baseMs: 30_000, factor: 4, capMs: 8 * 3600_000, maxAttempts: 8 };

/** Exponential, capped, with up to 20 % jitter so endpoints coming back are not hit all at once. */
export function retryDelay(backoff: Backoff, attempts: number, random = Math.random): number {
  const plain = Math.min(backoff.baseMs * backoff.factor ** (attempts - 1), backoff.capMs);
  return Math.round(plain * (1 + 0.2 * random()));
}

export interface DispatcherOptions {
  secrets: () => SecretBox;
  now?: () => Date;
  addresses: SubscriberAddresses;
  /** Per request (connect, headers and body); the lease is twice this plus a second. */
  timeoutMs?: number;
  backoff?: Backoff;
  /** The safety-net poll; new events wake the dispatcher at once (unless `wakeOnWrite` is false). */
  intervalMs?: number;
  wakeOnWrite?: boolean;
  /** Subscriptions drained at once by this process, each at its own endpoint's pace. */
  maxConcurrent?: number;
}

export interface Dispatcher {
  /**
   * Claims the subscriptions with deliveries due and no loop draining them, and drains each; resolves
   * with how many deliveries those loops attempted (other loops go on by themselves).
   */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/** The environment's settings (documented in docs/integration/webhooks.md). */
export function dispatcherSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  addresses: SubscriberAddresses;
  timeoutMs: number;
} {
  const seconds = Number(env.PRM_WEBHOOKS_TIMEOUT_SECONDS ?? 10);
  return {
    addresses: { allowPrivate: env.PRM_WEBHOOKS_ALLOW_PRIVATE === '1' },
    timeoutMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 10_000,
  };
}

type Row = WebhookSubscriptionRow;
/** The delivery at the head of a subscription's queue, with its event's payload. */
type QueueHead = Pick<Selectable<WebhookDeliveryTable>, 'id' | 'event_id' | 'attempts' | 'next_attempt_at'> &
  Pick<Selectable<WebhookEventTable>, 'payload'>;

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

export function startWebhookDispatcher(store: Store, options: DispatcherOptions): Dispatcher {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = timeoutMs * 2 + 1000;
  const backoff = options.backoff ?? defaultBackoff;
  const maxConcurrent = options.maxConcurrent ?? 32;
  const owner = randomUUID();
  const flag = store.dialect === 'sqlite' ? 1 : true;
  // Redirects are not followed (undici's request never does without its redirect interceptor), and
  // every connection goes through the SSRF guard unless private addresses are allowed for testing.
  const agent = new Agent({
    connect: { timeout: timeoutMs, ...(options.addresses.allowPrivate ? {} : { lookup: guardedLookup }) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  /** Leases up to `limit` active subscriptions with a due delivery. */
  async function claimSubscriptions(limit = 10): Promise<Row[]> {
    const at = now();
    const iso = at.toISOString();
    const until = new Date(at.getTime() + leaseMs).toISOString();
    return store.db.transaction().execute(async (trx) => {
      let select = trx
        .selectFrom('webhook_subscription as s')
        .select('s.id')
        .where('s.active', '=', flag)
        .where((eb) => eb.or([eb('s.locked_until', 'is', null), eb('s.locked_until', '<', iso)]))
        .where((eb) => eb.or([eb('s.retry_at', 'is', null), eb('s.retry_at', '<=', iso)]))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('webhook_delivery as d')
              .select('d.id')
              .whereRef('d.subscription_id', '=', 's.id')
              .where('d.status', '=', 'pending')
              .where('d.next_attempt_at', '<=', iso),
          ),
        )
        .orderBy('s.id')
        .limit(limit);
      if (store.dialect === 'postgres') select = select.forUpdate().skipLocked();
      const due = await select.execute();
      if (due.length === 0) return [];
      return trx
        .updateTable('webhook_subscription')
        .set({ lease_owner: owner, locked_until: until })
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .returningAll()
        .execute();
    });
  }

  /** Extends the lease before each send; false if another dispatcher took it (ours ran out). */
  async function renewLease(subscriptionId: string): Promise<boolean> {
    const until = new Date(now().getTime() + leaseMs).toISOString();
    const result = await store.db
      .updateTable('webhook_subscription')
      .set({ locked_until: until })
      .where('id', '=', subscriptionId)
      .where('lease_owner', '=', owner)
      .where('active', '=', flag)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async function releaseLease(subscriptionId: string, retryAt: string | null): Promise<void> {
    await store.db
      .updateTable('webhook_subscription')
      .set({ lease_owner: null, locked_until: null, retry_at: retryAt })
      .where('id', '=', subscriptionId)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async function send(url: string, headers: Record<string, string>, payload: string): Promise<Outcome> {
    try {
      checkUrlForm(url, options.addresses);
      const response = await request(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'PRM-Webhooks/1' },
        body: payload,
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is not used; reading it (bounded by the timeout) frees the connection.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { statusCode: response.statusCode, error: null };
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      return { statusCode: null, error: String(cause?.message ?? (error as Error).message ?? error).slice(0, 1000) };
    }
  }

  /** The subscription's deliveries in order, until one fails or none is due; returns how many were tried. */
  async function drain(subscription: Row): Promise<number> {
    let tried = 0;
    let retryAt: string | null = null;
    try {
      for (;;) {
        const head = await store.db
          .selectFrom('webhook_delivery as d')
          .innerJoin('webhook_event as e', 'e.id', 'd.event_id')
          .select(['d.id', 'd.event_id', 'd.attempts', 'd.next_attempt_at', 'e.payload'])
          .where('d.subscription_id', '=', subscription.id)
          .where('d.status', '=', 'pending')
          .orderBy('d.id')
          .limit(1)
          .executeTakeFirst();
        if (!head) return tried;
        const at = now();
        if (new Date(head.next_attempt_at) > at) {
          retryAt = new Date(head.next_attempt_at).toISOString();
          return tried;
        }
        if (!(await renewLease(subscription.id))) return tried;
        const headers = signDelivery(
          signingSecrets(options.secrets(), subscription, at),
          head.event_id,
          at,
          head.payload,
        );
        const outcome = await send(subscription.url, { ...headers }, head.payload);
        tried++;
        const attempts = Number(head.attempts) + 1;
        const result = await record(subscription, head, attempts, outcome);
        if (result !== 'delivered') {
          retryAt = result === 'retry' ? nextAttemptAt(attempts) : null;
          if (result !== 'next') return tried;
        }
      }
    } finally {
      await releaseLease(subscription.id, retryAt);
    }
  }

  function nextAttemptAt(attempts: number): string {
    return new Date(now().getTime() + retryDelay(backoff, attempts)).toISOString();
  }

  /** Records an attempt; 'next' when the head is settled but failed (the queue moves on). */
  async function record(
    subscription: Row,
    head: QueueHead,
    attempts: number,
    outcome: Outcome,
  ): Promise<'delivered' | 'retry' | 'disabled' | 'next'> {
    const at = now().toISOString();
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const gone = outcome.statusCode === 410;
    const givenUp = !ok && !gone && attempts >= backoff.maxAttempts;
    const error = ok ? null : (outcome.error ?? `The subscriber answered HTTP ${outcome.statusCode}.`);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('webhook_delivery')
        .set({
          status: ok ? 'delivered' : gone || givenUp ? 'failed' : 'pending',
          attempts,
          last_status_code: outcome.statusCode,
          last_error: error,
          delivered_at: ok ? at : null,
          next_attempt_at: ok || gone || givenUp ? at : nextAttemptAt(attempts),
        })
        .where('id', '=', head.id)
        .execute();
      if (gone)
        await disableGoneSubscription(
          { db: trx, dialect: store.dialect, root: store.db },
          now(),
          subscription.id,
          head.event_id,
        );
    });
    // A disabled subscription must stop collecting events in this process at once.
    if (gone) forgetSubscriptions(store.db);
    return ok ? 'delivered' : gone ? 'disabled' : givenUp ? 'next' : 'retry';
  }

  // Each subscription is drained by its own loop, at its endpoint's pace: a round never waits for the
  // slowest endpoint, and a claim only takes subscriptions no loop holds (their lease is ours).
  const draining = new Set<Promise<number>>();
  let stopped = false;
  // Bumped by every wake-up; a loop that found its queue empty before a wake-up came claims again
  // after releasing its lease, so an event written in between does not wait for the poll.
  let wakes = 0;

  const startDrain = (subscription: Row): Promise<number> => {
    const seen = wakes;
    const loop = drain(subscription).finally(() => {
      draining.delete(loop);
      if (wakes !== seen && !stopped) void tick().catch(report);
    });
    draining.add(loop);
    return loop;
  };

  // Every tick under way (its claim and the loops it started), so a tick can wait for what was
  // already under way when it began: "everything due now" includes queues another tick took.
  const ticks = new Set<Promise<number>>();
  const tick = async (): Promise<number> => {
    if (stopped) return 0;
    const earlier = [...ticks];
    const mine = (async () => {
      // Wake-ups count from the first tick on (on PostgreSQL, once the listening connection is open).
      await stopListening?.catch(() => undefined);
      const room = maxConcurrent - draining.size;
      const claimed = room > 0 ? await claimSubscriptions(Math.min(room, 10)) : [];
      const counts = await Promise.all(claimed.map(startDrain));
      return counts.reduce((sum, count) => sum + count, 0);
    })();
    ticks.add(mine);
    try {
      const tried = await mine;
      // Loops that a wake-up started meanwhile may hold what this claim found leased: wait for them too
      // (never for later ticks, which wait for this one).
      await Promise.allSettled([...earlier, ...draining]);
      return tried;
    } finally {
      ticks.delete(mine);
    }
  };
  const report = (error: unknown) => console.error('Webhook delivery failed:', (error as Error).message ?? error);
  const wake = () => {
    wakes++;
    if (!stopped) void tick().catch(report);
  };
  const stopListening = (options.wakeOnWrite ?? true) ? onOutboxWritten(store, wake) : null;
  stopListening?.catch((error) => console.error('Webhook dispatcher cannot hear new events; polling only:', error));
  const intervalMs = options.intervalMs ?? 1000;
  const timer = intervalMs > 0 ? setInterval(() => void tick().catch(report), intervalMs) : null;
  timer?.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await (
        await stopListening?.catch(() => null)
      )?.();
      await Promise.allSettled([...ticks, ...draining]);
      await agent.close();
    },
  };
}
