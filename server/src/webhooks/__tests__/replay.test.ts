/** Replaying one event or a time range to one subscription, and the delivery log read page by page. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { secretBox } from '../../auth/secrets.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createRecord } from '../../store/repository.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { createSubscription } from '../subscriptions.ts';
import { forgetSubscriptions } from '../outbox.ts';
import { startWebhookDispatcher, type Dispatcher } from '../delivery.ts';
import { startSubscriber, type Subscriber } from './subscriber.ts';

const box = secretBox(randomBytes(32));
const testing = { allowPrivate: true };
const partnerObject = objectNamed(prmObjects, 'partner');
const base = '/api/webhooks/subscriptions';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`replaying events (${dialect})`, () => {
    let h: Harness;
    let dispatcher: Dispatcher;
    let subscriber: Subscriber;
    let subscriptionId: string;
    const eventIds: string[] = [];
    let from: string;
    before(async () => {
      h = await startHarness(dialect);
      // The harness's clock stands still; the store's timestamps come from it.
      from = new Date(Date.parse('2026-11-26T10:00:00Z') - 1000).toISOString();
      dispatcher = startWebhookDispatcher(h.store, {
        secrets: () => box,
        addresses: testing,
        intervalMs: 0,
        wakeOnWrite: false,
      });
      subscriber = await startSubscriber();
      const made = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, { url: subscriber.url, eventTypes: ['partner.created'] }),
      );
      forgetSubscriptions(h.store.db);
      subscriber.setSecret(made.secret);
      subscriptionId = made.subscription.id;
      for (let n = 0; n < 3; n++)
        await h.store.transaction((t) =>
          createRecord(
            t,
            new Date('2026-11-26T10:00:00Z'),
            h.admin,
            partnerObject,
            validInput(partnerObject, 1300 + n, (x) => h.records.A.get(x)!),
          ),
        );
      await dispatcher.tick();
      eventIds.push(...subscriber.processed.map((p) => p.id));
    });
    after(async () => {
      await dispatcher.stop();
      await subscriber.close();
      await h.close();
    });
    const replay = (body: unknown, id = subscriptionId) => h.call('channelAdmin', 'POST', `${base}/${id}/replay`, body);

    it('redelivers one event, with its own webhook-id and body', async () => {
      assert.equal(eventIds.length, 3);
      const answer = await replay({ eventId: eventIds[1] });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { queued: 1, eventIds: [eventIds[1]] });
      await dispatcher.tick();
      assert.equal(subscriber.requests.length, 4);
      assert.equal(subscriber.requests[3].headers['webhook-id'], eventIds[1]);
      assert.equal(subscriber.requests[3].body, subscriber.requests[1].body);
      assert.deepEqual(subscriber.duplicates, [eventIds[1]]);
    });

    it('redelivers a time range in the order first sent, only the types the subscription takes', async () => {
      const answer = await replay({ from, to: '2026-11-26T10:00:01Z' });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.eventIds, eventIds);
      await dispatcher.tick();
      assert.deepEqual(
        subscriber.requests.slice(4).map((r) => r.headers['webhook-id']),
        eventIds,
      );
      const empty = await replay({ from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' });
      assert.deepEqual(empty.body, { queued: 0, eventIds: [] });
    });

    it('names the field of a bad replay and queues nothing', async () => {
      const before = subscriber.requests.length;
      const cases: [unknown, string][] = [
        [{ eventId: 'evt_nope' }, 'eventId'],
        [{ eventId: 7 }, 'eventId'],
        [{ from: 'yesterday', to: '2026-11-26T10:00:01Z' }, 'from'],
        [{ from: '2026-11-26T10:00:01Z', to: from }, 'to'],
        [{ from }, 'to'],
        [{ eventId: eventIds[0], colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        const answer = await replay(body);
        assert.equal(answer.status, 422, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
        assert.ok(
          answer.body.errors.some((p: { field: string }) => p.field === field),
          `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`,
        );
      }
      const other = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, { url: subscriber.url, eventTypes: ['lead.*'] }),
      );
      const notSubscribed = await replay({ eventId: eventIds[0] }, other.subscription.id);
      assert.equal(notSubscribed.status, 422);
      assert.match(notSubscribed.body.errors[0].message, /does not subscribe to/);
      assert.equal((await replay({ eventId: eventIds[0] }, 'whsub_none')).status, 404);
      await dispatcher.tick();
      assert.equal(subscriber.requests.length, before);
    });

    it('pages the delivery log with a cursor: every delivery once, newest first', async () => {
      const all = (await h.call('channelAdmin', 'GET', `${base}/${subscriptionId}/deliveries`)).body;
      assert.equal(all.data.length, 7);
      assert.equal(all.next, null);
      const seen: number[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const query: string = next ? `?limit=3&after=${next}` : '?limit=3';
        const page = await h.call('channelAdmin', 'GET', `${base}/${subscriptionId}/deliveries${query}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...page.body.data.map((d: { id: number }) => d.id));
        next = page.body.next;
        pages++;
      } while (next && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen,
        all.data.map((d: { id: number }) => d.id),
      );
      assert.deepEqual(
        [...seen].sort((a, b) => b - a),
        seen,
      );
    });
  });
}
