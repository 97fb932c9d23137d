/**
 * Each endpoint at its own pace, and deliveries that go as soon as their change committed: a slow
 * subscriber does not hold up a fast one, and a new event does not wait for the safety-net poll (in this
 * process, and on PostgreSQL from another process, through NOTIFY).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { secretBox } from '../../auth/secrets.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { openPostgres } from '../../store/database.ts';
import { createRecord } from '../../store/repository.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { postgresUrl } from '../../store/__tests__/stores.ts';
import { createSubscription } from '../subscriptions.ts';
import { forgetSubscriptions } from '../outbox.ts';
import { startWebhookDispatcher, type DispatcherOptions } from '../delivery.ts';
import { startSubscriber, type Subscriber } from './subscriber.ts';

const partnerObject = objectNamed(prmObjects, 'partner');
const box = secretBox(randomBytes(32));
const testing = { allowPrivate: true };

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`webhook delivery pace (${dialect})`, () => {
    let h: Harness;
    let n = 900;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h.close());

    const subscribe = async (subscriber: Subscriber) => {
      const made = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, { url: subscriber.url, eventTypes: ['partner.created'] }),
      );
      forgetSubscriptions(h.store.db);
      subscriber.setSecret(made.secret);
      return made.subscription;
    };
    const unsubscribeAll = async () => {
      await h.store.db
        .updateTable('webhook_subscription')
        .set({ active: dialect === 'sqlite' ? 0 : false })
        .execute();
      forgetSubscriptions(h.store.db);
    };
    /** Creates a partner; resolves with when its change committed. */
    const newPartner = async (store = h.store) => {
      await store.transaction((t) =>
        createRecord(
          t,
          new Date(),
          h.admin,
          partnerObject,
          validInput(partnerObject, n++, (target) => h.records.A.get(target)!),
        ),
      );
      return Date.now();
    };
    const dispatch = (options: Partial<DispatcherOptions> = {}) =>
      startWebhookDispatcher(h.store, { secrets: () => box, addresses: testing, timeoutMs: 10_000, ...options });

    it('lets a fast subscriber receive its events while a slow one is still answering', async () => {
      const slow = await startSubscriber();
      const fast = await startSubscriber();
      slow.delayMs = 3000;
      const arrivals: number[] = [];
      fast.onRequest = () => arrivals.push(Date.now());
      await subscribe(slow);
      await subscribe(fast);
      // Only the poll here, every 50 ms: what is measured is the pace of a round, not the wake-up.
      const dispatcher = dispatch({ intervalMs: 50, wakeOnWrite: false });
      try {
        await newPartner();
        await until(() => slow.requests.length === 1 && arrivals.length === 1, 2000, 'the first event at both');
        const written = await newPartner();
        await until(() => arrivals.length === 2, 5000, 'the second event at the fast subscriber');
        const waited = arrivals[1] - written;
        assert.ok(waited < slow.delayMs / 3, `the fast subscriber waited ${waited} ms behind a ${slow.delayMs} ms one`);
        assert.equal(slow.processed.length, 0, 'the slow one is still answering its first event');
      } finally {
        await unsubscribeAll();
        await dispatcher.stop();
        await Promise.all([slow.close(), fast.close()]);
      }
    });

    it('delivers a new event as soon as its change committed, not at the next poll', async () => {
      const subscriber = await startSubscriber();
      const arrivals: number[] = [];
      subscriber.onRequest = () => arrivals.push(Date.now());
      await subscribe(subscriber);
      const dispatcher = dispatch({ intervalMs: 60_000 });
      try {
        // The first tick settles the listener on PostgreSQL; from then on nothing but wake-ups remain.
        await dispatcher.tick();
        const waits: number[] = [];
        for (let i = 0; i < 5; i++) {
          const written = await newPartner();
          await until(() => arrivals.length === i + 1, 5000, `event ${i + 1}`);
          waits.push(arrivals[i] - written);
        }
        assert.ok(Math.max(...waits) < 1000, `waits of ${waits.join(', ')} ms with a poll of a minute`);
      } finally {
        await unsubscribeAll();
        await dispatcher.stop();
        await subscriber.close();
      }
    });

    if (dialect === 'postgres')
      it('wakes the dispatcher of another process when this one writes an event (NOTIFY)', async () => {
        const subscriber = await startSubscriber();
        const arrivals: number[] = [];
        subscriber.onRequest = () => arrivals.push(Date.now());
        await subscribe(subscriber);
        // A second store on the same schema stands for a second server process.
        const schema = (await h.store.db.selectNoFrom((eb) => eb.fn('current_schema', []).as('s')).executeTakeFirst())!
          .s as string;
        const other = openPostgres(postgresUrl, { searchPath: schema, max: 2 });
        const dispatcher = dispatch({ intervalMs: 60_000 });
        try {
          await dispatcher.tick();
          const written = await newPartner(other);
          await until(() => arrivals.length === 1, 5000, 'the event written by the other process');
          assert.ok(arrivals[0] - written < 1000, `${arrivals[0] - written} ms with a poll of a minute`);
        } finally {
          await unsubscribeAll();
          await dispatcher.stop();
          await other.close();
          await subscriber.close();
        }
      });
  });
}
