import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { secretBox } from '../../auth/secrets.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createRecord, updateRecord } from '../../store/repository.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { createSubscription } from '../subscriptions.ts';
import { forgetSubscriptions } from '../outbox.ts';
import { startWebhookDispatcher, type Dispatcher } from '../delivery.ts';
import { startSubscriber, type Subscriber } from './subscriber.ts';
import { rowCount } from '../../store/__tests__/stores.ts';

const partnerObject = objectNamed(prmObjects, 'partner');
const fast = { baseMs: 20, factor: 2, capMs: 200, maxAttempts: 8 };
const box = secretBox(randomBytes(32));
const testing = { allowPrivate: true };

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`webhook outbox and delivery (${dialect})`, () => {
    let h: Harness;
    let dispatcher: Dispatcher;
    const now = () => new Date();
    before(async () => {
      h = await startHarness(dialect);
      // Driven by its ticks alone, so each attempt happens when the test says (pace.test.ts covers the
      // wake-ups on commit).
      dispatcher = startWebhookDispatcher(h.store, {
        secrets: () => box,
        addresses: testing,
        intervalMs: 0,
        wakeOnWrite: false,
        timeoutMs: 2000,
        backoff: fast,
      });
    });
    after(async () => {
      await dispatcher.stop();
      await h.close();
    });

    const subscribe = async (subscriber: Subscriber, eventTypes: string[]) => {
      const made = await h.store.transaction((t) =>
        createSubscription(t, box, now(), testing, { url: subscriber.url, eventTypes }),
      );
      forgetSubscriptions(h.store.db);
      subscriber.setSecret(made.secret);
      return made.subscription;
    };
    /** Stops the subscriber and every subscription, so later tests' events go nowhere. */
    const unsubscribeAll = async (subscriber: Subscriber) => {
      await subscriber.close();
      await h.store.db
        .updateTable('webhook_subscription')
        .set({ active: dialect === 'sqlite' ? 0 : false })
        .execute();
      forgetSubscriptions(h.store.db);
    };
    const newPartner = (n: number) =>
      h.store.transaction((t) =>
        createRecord(
          t,
          now(),
          h.admin,
          partnerObject,
          validInput(partnerObject, n, (target) => h.records.A.get(target)!),
        ),
      );
    const eventCount = () => rowCount(h.store.db, 'webhook_event');
    /** Ticks until nothing is pending for the subscription (or the time runs out). */
    const drain = async (subscriptionId: string, ms = 8000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await dispatcher.tick();
        const pending = await h.store.db
          .selectFrom('webhook_delivery')
          .select('id')
          .where('subscription_id', '=', subscriptionId)
          .where('status', '=', 'pending')
          .execute();
        if (pending.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.fail('deliveries still pending');
    };

    it('writes nothing when no subscription wants the event', async () => {
      const before = await eventCount();
      await newPartner(501);
      assert.equal(await eventCount(), before);
    });

    it('writes the event in the change’s transaction: a rolled-back change emits nothing', async () => {
      const subscriber = await startSubscriber();
      try {
        await subscribe(subscriber, ['partner.*']);
        const before = await eventCount();
        await assert.rejects(
          h.store.transaction(async (t) => {
            await createRecord(
              t,
              now(),
              h.admin,
              partnerObject,
              validInput(partnerObject, 502, (x) => h.records.A.get(x)!),
            );
            throw new Error('changed my mind');
          }),
          /changed my mind/,
        );
        assert.equal(await eventCount(), before, 'no event for a change that did not commit');
        const created = await newPartner(503);
        const events = await h.store.db
          .selectFrom('webhook_event')
          .selectAll()
          .where('record_id', '=', created.id)
          .execute();
        assert.deepEqual(
          events.map((e) => e.type),
          ['partner.created'],
        );
      } finally {
        await unsubscribeAll(subscriber);
      }
    });

    it('delivers signed events a subscriber verifies with the library, with the event’s id and payload', async () => {
      const subscriber = await startSubscriber();
      try {
        const subscription = await subscribe(subscriber, ['partner.*']);
        const created = await newPartner(504);
        await drain(subscription.id);
        assert.equal(subscriber.rejected.length, 0);
        assert.equal(subscriber.processed.length, 1);
        const [got] = subscriber.processed;
        const event = JSON.parse(got.body);
        assert.equal(event.type, 'partner.created');
        assert.equal(event.data.id, created.id);
        assert.equal(event.data.record.name, created.name);
        assert.match(got.id, /^evt_/);
        const request = subscriber.requests[0];
        assert.equal(request.headers['content-type'], 'application/json');
        assert.match(request.headers['webhook-signature'], /^v1,/);
        const log = await h.call('channelAdmin', 'GET', `/api/webhooks/subscriptions/${subscription.id}/deliveries`);
        assert.equal(log.status, 200);
        assert.equal(log.body.data[0].eventId, got.id);
        assert.equal(log.body.data[0].status, 'delivered');
        assert.equal(log.body.data[0].lastStatusCode, 200);
        assert.ok(log.body.data[0].deliveredAt);
      } finally {
        await subscriber.close();
      }
    });

    it('retries while the subscriber is down (503, then refused), then delivers every event exactly once, in order per record', async () => {
      const subscriber = await startSubscriber();
      const subscription = await subscribe(subscriber, ['partner.*']);
      subscriber.mode = 'unavailable';
      const partners = [await newPartner(601), await newPartner(602)];
      for (let round = 1; round <= 3; round++)
        for (const partner of partners) {
          const current = await h.store.db
            .selectFrom('partner')
            .select('version')
            .where('id', '=', partner.id)
            .executeTakeFirstOrThrow();
          await h.store.transaction((t) =>
            updateRecord(t, now(), h.admin, partnerObject, partner.id, Number(current.version), {
              region: `Region ${round}`,
            }),
          );
        }
      const expected = await h.store.db
        .selectFrom('webhook_delivery as d')
        .innerJoin('webhook_event as e', 'e.id', 'd.event_id')
        .select(['e.id', 'e.record_id', 'e.type'])
        .where('d.subscription_id', '=', subscription.id)
        .orderBy('d.id')
        .execute();
      assert.equal(expected.length, 8, 'two creations and six updates');
      // Down: answering 503.
      for (let i = 0; i < 3; i++) {
        await dispatcher.tick();
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      assert.ok(subscriber.requests.length >= 2, 'retried');
      assert.equal(subscriber.processed.length, 0);
      // Down: nobody listening.
      await subscriber.close();
      for (let i = 0; i < 2; i++) {
        await dispatcher.tick();
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      const [refused] = (
        await h.call('channelAdmin', 'GET', `/api/webhooks/subscriptions/${subscription.id}/deliveries`)
      ).body.data.slice(-1);
      assert.equal(refused.status, 'pending');
      assert.ok(refused.attempts >= 3, JSON.stringify(refused));
      assert.equal(refused.lastStatusCode, null);
      assert.match(refused.lastError, /ECONNREFUSED|connect/i);
      assert.ok(refused.nextAttemptAt);
      // Up again.
      await subscriber.reopen();
      subscriber.mode = 'ok';
      await drain(subscription.id);
      try {
        assert.deepEqual(
          subscriber.processed.map((p) => p.id).sort(),
          expected.map((e) => e.id).sort(),
          'every event, each processed once',
        );
        for (const partner of partners)
          assert.deepEqual(
            subscriber.processed.filter((p) => p.recordId === partner.id).map((p) => p.id),
            expected.filter((e) => e.record_id === partner.id).map((e) => e.id),
            'in the order the changes were made',
          );
        assert.deepEqual(subscriber.rejected, []);
      } finally {
        await unsubscribeAll(subscriber);
      }
    });

    it('disables a subscription whose endpoint answers 410 Gone, and records why', async () => {
      const subscriber = await startSubscriber();
      try {
        const subscription = await subscribe(subscriber, ['partner.created']);
        subscriber.mode = 'gone';
        await newPartner(701);
        await newPartner(702);
        await dispatcher.tick();
        const got = await h.call('channelAdmin', 'GET', `/api/webhooks/subscriptions/${subscription.id}`);
        assert.equal(got.body.active, false);
        assert.match(got.body.disabledReason, /410/);
        assert.equal(subscriber.requests.length, 1, 'nothing more is sent once it said Gone');
        const log = (await h.call('channelAdmin', 'GET', `/api/webhooks/subscriptions/${subscription.id}/deliveries`))
          .body.data;
        assert.deepEqual(
          log.map((d: { status: string; lastStatusCode: number | null }) => [d.status, d.lastStatusCode]),
          [
            ['pending', null],
            ['failed', 410],
          ],
        );
        const before = await eventCount();
        await newPartner(703);
        assert.equal(await eventCount(), before, 'a disabled subscription collects no more events');
      } finally {
        await subscriber.close();
      }
    });
  });
}

describe('webhook delivery connects only to public addresses', () => {
  it('refuses at connection time a host that resolves to loopback (DNS rebinding)', async () => {
    const h = await startHarness('sqlite');
    const dispatcher = startWebhookDispatcher(h.store, {
      secrets: () => box,
      addresses: { allowPrivate: false },
      intervalMs: 0,
      backoff: fast,
    });
    try {
      // Saved while the name was "public" (here: with the testing addresses), then delivered without it.
      const made = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, {
          url: 'https://localhost:9/hooks',
          eventTypes: ['partner.*'],
        }),
      );
      forgetSubscriptions(h.store.db);
      await h.store.transaction((t) =>
        createRecord(
          t,
          new Date(),
          h.admin,
          partnerObject,
          validInput(partnerObject, 801, (x) => h.records.A.get(x)!),
        ),
      );
      await dispatcher.tick();
      const [delivery] = (
        await h.call('channelAdmin', 'GET', `/api/webhooks/subscriptions/${made.subscription.id}/deliveries`)
      ).body.data;
      assert.equal(delivery.status, 'pending');
      assert.match(
        delivery.lastError,
        /Refused to connect to localhost: it resolves to a loopback, private or reserved address/,
      );
    } finally {
      await dispatcher.stop();
      await h.close();
    }
  });
});
