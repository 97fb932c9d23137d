/**
 * The event catalog and what every event carries: the record after the change as `data.record` (with
 * its id, for a warehouse that upserts on it), and anything else under its own name.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { recordEvaluations } from '../../tiers/evaluation.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { audit } from '../../store/repository.ts';
import { sqliteTestStore } from '../../store/__tests__/stores.ts';
import { seedDemo } from '../../demo/seed.ts';
import { eventCatalog, statusFieldOf } from '../catalog.ts';
import { eventPattern } from '../events.ts';
import { subscribeNowhere } from './subscriber.ts';

const partnerObject = objectNamed(prmObjects, 'partner');
const registrationObject = objectNamed(prmObjects, 'dealRegistration');

describe('the event catalog', () => {
  const types = eventCatalog().map((entry) => entry.type);

  it('names every type in one grammar, each once: <object>.<event>, both lowerCamel', () => {
    assert.equal(new Set(types).size, types.length);
    for (const type of types) assert.match(type, /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/, type);
    for (const type of types) assert.ok(eventPattern.test(type), type);
  });

  it('is derived from the schema: created, updated, deleted for every object, and one type per status', () => {
    for (const object of prmObjects) {
      for (const event of ['created', 'updated', 'deleted']) assert.ok(types.includes(`${object.name}.${event}`));
      const field = statusFieldOf(object);
      const status = field ? object.fields[field] : null;
      if (status?.kind === 'picklist')
        for (const { value } of status.values) {
          const camel = value.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
          assert.ok(types.includes(`${object.name}.${camel}`), `${object.name}.${camel}`);
        }
    }
    assert.ok(types.includes('dealRegistration.inReview'));
    assert.ok(types.includes('lead.offered'), 'a lead’s routing status is its status');
    assert.ok(types.includes('partner.tierChanged'));
    assert.ok(types.includes('lead.rerouted'));
    for (const old of ['lead.route', 'lead.reroute', 'mdfAllocation.pay_claim', 'partner.tier_changed'])
      assert.ok(!types.includes(old), old);
  });

  it('includes the notices, the users’ and the subscriptions’ own events', () => {
    for (const type of [
      'partner.tierEvaluated',
      'partner.tierChangeRejected',
      'dealRegistration.protectionReminderDue',
      'user.created',
      'user.updated',
      'user.deactivated',
      'user.deleted',
      'user.invited',
      'webhookSubscription.created',
      'webhookSubscription.updated',
      'webhookSubscription.secretRotated',
      'webhookSubscription.deleted',
      'webhookSubscription.disabled',
    ])
      assert.ok(types.includes(type), type);
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`what an event carries (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
      await subscribeNowhere(h.store, ['*']);
    });
    after(() => h.close());

    const payloadsOf = async (recordId: string, type: string) =>
      (
        await h.store.db
          .selectFrom('webhook_event')
          .select('payload')
          .where('record_id', '=', recordId)
          .where('type', '=', type)
          .execute()
      ).map((row) => JSON.parse(row.payload));

    it('carries the partner as data.record and the proposal under its own name, for a tier evaluation and its rejection', async () => {
      const partner = h.records.A.get('partner')!;
      const proposal = {
        partner,
        action: 'upgrade' as const,
        from: null,
        to: 'tier-x',
        evidence: [],
        shortfalls: [],
        graceEndsOn: null,
        belowCriteriaSince: null,
        evaluatedAt: '2026-11-26T10:00:00.000Z',
      };
      const measured = { partner, sourcedRevenue: { amount: 0, currency: 'USD' }, wonDeals: 2 };
      await h.store.transaction(async (t) => {
        await recordEvaluations(t, new Date(), [
          { partner, partnerName: 'A', proposal, evidence: measured as never, mdfFindings: [] },
        ]);
        await audit(t, new Date(), h.admin, partnerObject, partner, 'reject-tier-change', null, {
          proposal,
          reason: 'Wait for Q1.',
        });
      });
      const [evaluated] = await payloadsOf(partner, 'partner.tierEvaluated');
      assert.equal(evaluated.data.record.id, partner, 'the record, with its id');
      assert.ok(evaluated.data.record.name, 'the whole record');
      assert.deepEqual(evaluated.data.proposal, proposal);
      assert.deepEqual(evaluated.data.measured, measured);
      assert.deepEqual(evaluated.data.changed, [], 'a notice changes nothing on the record');
      const [rejected] = await payloadsOf(partner, 'partner.tierChangeRejected');
      assert.equal(rejected.data.record.id, partner);
      assert.deepEqual(rejected.data.proposal, proposal);
      assert.equal(rejected.data.reason, 'Wait for Q1.');
      // The audit log keeps what it kept: the grace period is read back from it.
      const stored = await h.store.db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'tier-evaluation')
        .executeTakeFirstOrThrow();
      const kept = typeof stored.after === 'string' ? JSON.parse(stored.after) : stored.after;
      assert.equal(kept.belowCriteriaSince, null);
      assert.equal(kept.to, 'tier-x');
    });

    it('carries the registration as data.record and the reminder under its own name', async () => {
      const registration = h.records.A.get('dealRegistration')!;
      const reminder = { daysBeforeEnd: 14, protectionEndsAt: '2027-01-01T00:00:00.000Z' };
      await h.store.transaction((t) =>
        audit(t, new Date(), null, registrationObject, registration, 'protection-reminder', null, reminder, {
          reminder,
        }),
      );
      const [event] = await payloadsOf(registration, 'dealRegistration.protectionReminderDue');
      assert.equal(event.data.record.id, registration);
      assert.ok('status' in event.data.record);
      assert.deepEqual(event.data.reminder, reminder);
    });

    it('sends payloads the OpenAPI document’s webhooks section describes, one entry per catalog type', async () => {
      const document = (await h.call(null, 'GET', '/api/docs.json')).body;
      assert.deepEqual(
        Object.keys(document.webhooks).sort(),
        eventCatalog()
          .map((entry) => entry.type)
          .sort(),
      );
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'doc', components: document.components });
      const events = await h.store.db.selectFrom('webhook_event').select(['type', 'payload']).execute();
      assert.ok(events.length >= 3);
      for (const event of events) {
        const schema = document.webhooks[event.type].post.requestBody.content['application/json'].schema;
        const validate = ajv.compile(
          JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components')),
        );
        assert.ok(validate(JSON.parse(event.payload)), `${event.type}: ${JSON.stringify(validate.errors)}`);
      }
    });

    it('carries the record after the change for every change (creation, update, deletion: the one before)', async () => {
      const made = await h.call('channelAdmin', 'POST', '/api/programs', { name: 'Carried', currency: 'USD' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const path = `/api/programs/${made.body.id}`;
      const changed = await h.call('channelAdmin', 'PATCH', path, { name: 'Carried 2' }, { 'if-match': '"1"' });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal((await h.call('channelAdmin', 'DELETE', path, undefined, { 'if-match': '"2"' })).status, 204);
      const events = await h.store.db.selectFrom('webhook_event').select(['record_id', 'payload']).execute();
      const types = events.map((event) => JSON.parse(event.payload).type);
      for (const type of ['program.created', 'program.updated', 'program.deleted'])
        assert.ok(types.includes(type), type);
      for (const event of events) {
        const data = JSON.parse(event.payload).data;
        assert.equal(data.record?.id, event.record_id, event.payload.slice(0, 200));
      }
    });
  });
}

describe('the demo data’s events', () => {
  it('are all in the catalog, and each carries its record', async () => {
    const { store, dispose } = await sqliteTestStore();
    try {
      await subscribeNowhere(store, ['*']);
      await store.db.transaction().execute((trx) => seedDemo({ db: trx, dialect: 'sqlite' }, new Date()));
      const known = new Set(eventCatalog().map((entry) => entry.type));
      const events = await store.db.selectFrom('webhook_event').select(['type', 'record_id', 'payload']).execute();
      assert.ok(events.length > 100, `${events.length} events`);
      assert.deepEqual([...new Set(events.map((event) => event.type).filter((type) => !known.has(type)))], []);
      for (const event of events) assert.equal(JSON.parse(event.payload).data.record?.id, event.record_id, event.type);
    } finally {
      await dispose();
    }
  });
});

describe('subscribing to event types', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(() => h.close());
  const create = (eventTypes: unknown) =>
    h.call('channelAdmin', 'POST', '/api/webhooks/subscriptions', { url: 'https://93.184.216.34/t', eventTypes });

  it('refuses a type or pattern that no event can match, naming the entry, and stores nothing', async () => {
    const before = (await h.call('channelAdmin', 'GET', '/api/webhooks/subscriptions')).body.data.length;
    const cases: [string[], string, RegExp][] = [
      [['dealRegistraton.aproved'], 'eventTypes.0', /names no object/],
      [['dealRegistration.*', 'dealRegistration.aproved'], 'eventTypes.1', /approved/],
      [['nosuchThing.*'], 'eventTypes.0', /names no object/],
      [['lead.route'], 'eventTypes.0', /not an event type of lead/],
    ];
    for (const [eventTypes, field, message] of cases) {
      const answer = await create(eventTypes);
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      const problem = answer.body.errors.find((p: { field: string }) => p.field === field);
      assert.ok(problem, JSON.stringify(answer.body));
      assert.match(problem.message, message);
    }
    assert.equal((await h.call('channelAdmin', 'GET', '/api/webhooks/subscriptions')).body.data.length, before);
    const patch = await h.call('channelAdmin', 'PATCH', `/api/webhooks/subscriptions/whsub_none`, {
      eventTypes: ['partner.tier_changed'],
    });
    assert.equal(patch.status, 422, 'checked before the subscription is looked up');
  });

  it('accepts *, object.* and every catalog type', async () => {
    const answer = await create(['*', 'lead.*', 'user.deactivated', 'partner.tierChanged', 'lead.offered']);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  });
});
