/**
 * Subscription changes are audited and announced (`webhookSubscription.*`) without a secret; a rotated
 * secret goes on signing beside the new one for the overlap, so a receiver verifying with either
 * accepts the delivery (checked with the reference standardwebhooks library).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { secretBox } from '../../auth/secrets.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createRecord } from '../../store/repository.ts';
import { validInput } from '../../store/__tests__/fixtures.ts';
import { createSubscription, rotateSecret } from '../subscriptions.ts';
import { forgetSubscriptions } from '../outbox.ts';
import { startWebhookDispatcher, type Dispatcher } from '../delivery.ts';
import { startSubscriber } from './subscriber.ts';

const box = secretBox(randomBytes(32));
const testing = { allowPrivate: true };
const partnerObject = objectNamed(prmObjects, 'partner');
const base = '/api/webhooks/subscriptions';
const typeOf = (verified: unknown) => (verified as { type: string }).type;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`subscription changes and secret rotation (${dialect})`, () => {
    let h: Harness;
    let dispatcher: Dispatcher;
    let n = 1200;
    before(async () => {
      h = await startHarness(dialect);
      dispatcher = startWebhookDispatcher(h.store, {
        secrets: () => box,
        addresses: testing,
        intervalMs: 0,
        wakeOnWrite: false,
      });
    });
    after(async () => {
      await dispatcher.stop();
      await h.close();
    });
    const newPartner = () =>
      h.store.transaction((t) =>
        createRecord(
          t,
          new Date(),
          h.admin,
          partnerObject,
          validInput(partnerObject, n++, (x) => h.records.A.get(x)!),
        ),
      );

    it('audits and announces create, update, rotate, delete and the disabling on 410, never with a secret', async () => {
      const watcher = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, {
          url: 'http://127.0.0.1:9/',
          eventTypes: ['webhookSubscription.*'],
        }),
      );
      forgetSubscriptions(h.store.db);
      const made = await h.call('channelAdmin', 'POST', base, {
        url: 'https://93.184.216.34/a',
        eventTypes: ['program.*'],
      });
      assert.equal(made.status, 201);
      const id = made.body.id;
      const secrets = [made.body.secret];
      assert.equal((await h.call('channelAdmin', 'PATCH', `${base}/${id}`, { description: 'CRM' })).status, 200);
      const rotated = await h.call('channelAdmin', 'POST', `${base}/${id}/rotate-secret`);
      secrets.push(rotated.body.secret);
      assert.equal((await h.call('channelAdmin', 'DELETE', `${base}/${id}`)).status, 204);

      const gone = await startSubscriber();
      gone.mode = 'gone';
      const doomed = await h.store.transaction((t) =>
        createSubscription(t, box, new Date(), testing, { url: gone.url, eventTypes: ['partner.created'] }),
      );
      forgetSubscriptions(h.store.db);
      gone.setSecret(doomed.secret);
      secrets.push(doomed.secret);
      await newPartner();
      await dispatcher.tick();
      await gone.close();

      const entries = await h.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('object', '=', 'webhookSubscription')
        .where('record_id', 'in', [id, doomed.subscription.id])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        entries.map((entry) => [entry.record_id === id ? 'made' : 'doomed', entry.action, entry.actor_role]),
        [
          ['made', 'create', 'channelAdmin'],
          ['made', 'update', 'channelAdmin'],
          ['made', 'rotate-secret', 'channelAdmin'],
          ['made', 'delete', 'channelAdmin'],
          ['doomed', 'create', 'system'],
          ['doomed', 'disable', 'system'],
        ],
      );
      const changed = entries[1];
      const parse = (value: unknown) =>
        (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown> & { disabledReason: string };
      assert.equal(parse(changed.before).description, null);
      assert.equal(parse(changed.after).description, 'CRM');
      assert.match(parse(entries[5].after).disabledReason, /410/);

      const events = await h.store.db
        .selectFrom('webhook_delivery as d')
        .innerJoin('webhook_event as e', 'e.id', 'd.event_id')
        .select(['e.type', 'e.record_id', 'e.payload'])
        .where('d.subscription_id', '=', watcher.subscription.id)
        .orderBy('d.id')
        .execute();
      assert.deepEqual(
        events.map((event) => event.type),
        [
          'webhookSubscription.created',
          'webhookSubscription.updated',
          'webhookSubscription.secretRotated',
          'webhookSubscription.deleted',
          'webhookSubscription.created',
          'webhookSubscription.disabled',
        ],
      );
      assert.equal(JSON.parse(events[1].payload).data.record.description, 'CRM');
      assert.deepEqual(JSON.parse(events[1].payload).data.changed, ['description'], events[1].payload);
      const sealed = (await h.store.db.selectFrom('webhook_subscription').select('secret_sealed').execute()).map(
        (row) => String(row.secret_sealed),
      );
      const everything = JSON.stringify([entries, events]);
      assert.ok(!everything.includes('whsec_'), 'no secret in the audit log or the events');
      for (const secret of [...secrets.map((s) => s.slice(6)), ...sealed]) assert.ok(!everything.includes(secret));
    });

    it('signs with the old and the new secret during the overlap, and with the new one alone after it', async () => {
      const subscriber = await startSubscriber();
      try {
        const made = await h.store.transaction((t) =>
          createSubscription(t, box, new Date(), testing, { url: subscriber.url, eventTypes: ['partner.created'] }),
        );
        forgetSubscriptions(h.store.db);
        const oldSecret = made.secret;
        const rotated = await h.store.transaction((t) => rotateSecret(t, box, new Date(), made.subscription.id));
        const newSecret = rotated.secret;
        const overlapEnds = Date.parse(rotated.subscription.previousSecretExpiresAt!);
        assert.ok(Math.abs(overlapEnds - Date.now() - 24 * 3_600_000) < 60_000, 'an overlap of 24 hours');
        subscriber.setSecret(newSecret);
        await newPartner();
        await dispatcher.tick();
        const [during] = subscriber.requests;
        assert.equal(during.headers['webhook-signature'].split(' ').length, 2);
        for (const secret of [oldSecret, newSecret])
          assert.equal(typeOf(new Webhook(secret).verify(during.body, during.headers)), 'partner.created');

        // The overlap is over.
        await h.store.db
          .updateTable('webhook_subscription')
          .set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() })
          .where('id', '=', made.subscription.id)
          .execute();
        await newPartner();
        await dispatcher.tick();
        const after = subscriber.requests[1];
        assert.ok(after, 'the second delivery arrived');
        assert.equal(after.headers['webhook-signature'].split(' ').length, 1);
        assert.equal(typeOf(new Webhook(newSecret).verify(after.body, after.headers)), 'partner.created');
        assert.throws(() => new Webhook(oldSecret).verify(after.body, after.headers), /No matching signature/);
        const read = await h.call('channelAdmin', 'GET', `${base}/${made.subscription.id}`);
        assert.equal(read.body.secret, undefined);
      } finally {
        await h.store.db
          .updateTable('webhook_subscription')
          .set({ active: dialect === 'sqlite' ? 0 : false })
          .execute();
        forgetSubscriptions(h.store.db);
        await subscriber.close();
      }
    });
  });
}
