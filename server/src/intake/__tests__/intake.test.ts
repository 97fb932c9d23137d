/**
 * The intake door over real HTTP on loopback, on SQLite and PostgreSQL: senders registered by the
 * channel admin, deliveries signed per Standard Webhooks (signed here with node:crypto from the
 * specification, not with the library the server verifies with), forged, altered, replayed and unknown
 * deliveries refused with nothing stored, redeliveries handled once, bad data refused without using up
 * the event id.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { roles } from '@prm/core/schema/roles';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { senderForDelivery } from '../senders.ts';
import { secretBox } from '../../auth/secrets.ts';
import { rowCount } from '../../store/__tests__/stores.ts';

/** A Standard Webhooks signature: base64 HMAC-SHA256 of `id.timestamp.body` keyed by the decoded secret. */
function sign(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

const seconds = () => Math.floor(Date.now() / 1000);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`intake of signed events (${dialect})`, () => {
    let h: Harness;
    let secret: string;
    const partnerA = () => h.records.A.get('partner')!;
    const partnerB = () => h.records.B.get('partner')!;

    /** Posts a body to the intake as the sender would, with headers that can be overridden or left out. */
    async function deliver(
      body: string | Buffer,
      options: {
        id?: string;
        timestamp?: number;
        secret?: string;
        headers?: Record<string, string | null>;
        sender?: string;
      } = {},
    ) {
      const id = options.id ?? `msg_${randomUUID()}`;
      const timestamp = options.timestamp ?? seconds();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(options.secret ?? secret, id, timestamp, body),
      };
      for (const [name, value] of Object.entries(options.headers ?? {}))
        if (value === null) delete headers[name];
        else headers[name] = value;
      const response = await fetch(`${h.base}/api/intake/${options.sender ?? 'erp'}`, {
        method: 'POST',
        headers,
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, id };
    }

    const order = (erpOrderId: string, partner: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        type: 'salesOrder.upserted',
        data: {
          erpOrderId,
          partner,
          customerName: 'Globex',
          orderedOn: '2026-11-20',
          currency: 'USD',
          amount: 48_000,
          ...extra,
        },
      });

    const count = (table: string) => rowCount(h.store.db, table);

    before(async () => {
      // The real clock: the replay window is checked against the time of sending.
      h = await startHarness(dialect, () => new Date());
      const made = await h.call('channelAdmin', 'POST', '/api/intake/senders', { name: 'erp', description: 'SAP S/4' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      secret = made.body.secret;
    });
    after(() => h.close());

    it('gives the secret once, in the Standard Webhooks format, and keeps it sealed', async () => {
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      const listed = await h.call('channelAdmin', 'GET', '/api/intake/senders');
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.data.map((s: any) => [s.name, s.scheme, s.description]),
        [['erp', 'standard-webhooks', 'SAP S/4']],
      );
      assert.ok(!JSON.stringify(listed.body).includes(secret.slice(6)), 'the list never shows the secret');
      const row = await h.store.db.selectFrom('intake_sender').selectAll().executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(secret.slice(6)), 'the store holds the secret sealed, not in clear');
      const audit = await h.call('channelAdmin', 'GET', `/api/audit-log?object=intakeSender&recordId=${row.id}`);
      assert.deepEqual(
        audit.body.data.map((entry: any) => [entry.action, entry.actorId, entry.after.name]),
        [['create', h.admin.userId, 'erp']],
      );
      assert.ok(!JSON.stringify(audit.body).includes(secret.slice(6)), 'the audit log never holds the secret');
    });

    it('accepts a correctly signed order, which admins see and only its partner’s users', async () => {
      const erpOrderId = `SO-${randomUUID()}`;
      const answer = await deliver(order(erpOrderId, partnerA()));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.handled, true);
      assert.equal(answer.body.result.action, 'created');
      const asAdmin = await h.call('channelAdmin', 'GET', `/api/sales-orders?erpOrderId=${erpOrderId}`);
      assert.equal(asAdmin.body.data.length, 1);
      assert.equal(asAdmin.body.data[0].amount, 48_000);
      assert.equal(asAdmin.body.data[0].name, erpOrderId, 'the ERP number names the order when the event gives none');
      const asPartnerA = await h.call('partnerRep', 'GET', `/api/sales-orders?erpOrderId=${erpOrderId}`);
      assert.equal(asPartnerA.body.data.length, 1);

      const otherId = `SO-${randomUUID()}`;
      assert.equal((await deliver(order(otherId, partnerB()))).status, 200);
      for (const role of ['partnerRep', 'partnerAdmin'] as const) {
        const seen = await h.call(role, 'GET', `/api/sales-orders?erpOrderId=${otherId}`);
        assert.equal(seen.body.data.length, 0, `${role} of partner A must not see partner B's order`);
      }
      const audit = await h.call(
        'channelAdmin',
        'GET',
        `/api/audit-log?object=salesOrder&recordId=${answer.body.result.id}`,
      );
      assert.equal(audit.body.data[0].actorId, 'intake:erp', 'the audit log names the sender');
    });

    it('updates the order the ERP sends again under a new event, never duplicating it', async () => {
      const erpOrderId = `SO-${randomUUID()}`;
      assert.equal((await deliver(order(erpOrderId, partnerA()))).status, 200);
      const again = await deliver(order(erpOrderId, partnerA(), { amount: 52_500, status: 'fulfilled' }));
      assert.equal(again.status, 200);
      assert.equal(again.body.result.action, 'updated');
      const listed = await h.call('channelAdmin', 'GET', `/api/sales-orders?erpOrderId=${erpOrderId}`);
      assert.equal(listed.body.data.length, 1);
      assert.equal(listed.body.data[0].amount, 52_500);
      assert.equal(listed.body.data[0].status, 'fulfilled');
    });

    it('creates invoices by their ERP id too', async () => {
      const erpInvoiceId = `INV-${randomUUID()}`;
      const body = JSON.stringify({
        type: 'invoice.upserted',
        data: { erpInvoiceId, partner: partnerA(), issuedOn: '2026-11-21', currency: 'USD', amount: 48_000 },
      });
      const answer = await deliver(body);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const listed = await h.call('partnerAdmin', 'GET', `/api/invoices?erpInvoiceId=${erpInvoiceId}`);
      assert.equal(listed.body.data.length, 1);
    });

    describe('refuses what it cannot trust, storing nothing', () => {
      const refusals: Array<[string, () => Promise<{ status: number; body: any }>, number, RegExp]> = [
        [
          'a forged signature',
          () =>
            deliver(order('SO-forged', partnerA()), {
              headers: { 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` },
            }),
          401,
          /No signature/,
        ],
        [
          'a body altered by one byte after signing',
          async () => {
            const body = order('SO-altered', partnerA());
            const id = `msg_${randomUUID()}`;
            const timestamp = seconds();
            return deliver(body.replace('48000', '48001'), {
              id,
              timestamp,
              headers: { 'webhook-signature': sign(secret, id, timestamp, body) },
            });
          },
          401,
          /No signature/,
        ],
        [
          'a signature made with another secret',
          () => deliver(order('SO-wrong', partnerA()), { secret: `whsec_${randomBytes(32).toString('base64')}` }),
          401,
          /No signature/,
        ],
        [
          'a timestamp six minutes old (a replay)',
          () => deliver(order('SO-old', partnerA()), { timestamp: seconds() - 360 }),
          401,
          /outside the 5-minute window/,
        ],
        [
          'a timestamp six minutes ahead',
          () => deliver(order('SO-future', partnerA()), { timestamp: seconds() + 360 }),
          401,
          /in the future, outside the 5-minute window/,
        ],
        [
          'no webhook-signature',
          () => deliver(order('SO-unsigned', partnerA()), { headers: { 'webhook-signature': null } }),
          401,
          /not signed: webhook-signature missing/,
        ],
        [
          'no webhook-id',
          () => deliver(order('SO-noid', partnerA()), { headers: { 'webhook-id': null } }),
          401,
          /not signed: webhook-id missing/,
        ],
        [
          'no webhook-timestamp',
          () => deliver(order('SO-nots', partnerA()), { headers: { 'webhook-timestamp': null } }),
          401,
          /not signed: webhook-timestamp missing/,
        ],
        [
          'a signature of another scheme version',
          () => deliver(order('SO-v2', partnerA()), { headers: { 'webhook-signature': 'v1a,abc' } }),
          401,
          /No signature/,
        ],
        [
          'an unknown sender',
          () => deliver(order('SO-who', partnerA()), { sender: 'crm' }),
          404,
          /No intake sender is named crm/,
        ],
      ];
      for (const [what, send, status, detail] of refusals) {
        it(`refuses ${what} with ${status}`, async () => {
          const [events, orders] = [await count('intake_event'), await count('sales_order')];
          const answer = await send();
          assert.equal(answer.status, status, JSON.stringify(answer.body));
          assert.match(answer.body.detail, detail);
          assert.equal(await count('intake_event'), events);
          assert.equal(await count('sales_order'), orders);
        });
      }

      it('never reveals the expected signature', async () => {
        const body = order('SO-probe', partnerA());
        const id = 'msg_probe';
        const timestamp = seconds();
        const answer = await deliver(body, { id, timestamp, headers: { 'webhook-signature': 'v1,AAAA' } });
        assert.equal(answer.status, 401);
        assert.ok(!JSON.stringify(answer.body).includes(sign(secret, id, timestamp, body).slice(3)));
      });

      it('refuses a body that is not UTF-8, even when signed, since its text would be ambiguous', async () => {
        const body = Buffer.concat([Buffer.from('{"type":"x","data":{"a":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
        const answer = await deliver(body);
        assert.equal(answer.status, 400);
        assert.equal(answer.body.errors[0].field, 'body');
      });

      it('refuses half a character (a lone UTF-16 surrogate) in the event, naming the field', async () => {
        const answer = await deliver('{"type":"salesOrder.upserted","data":{"erpOrderId":"SO-\\ud800"}}');
        assert.equal(answer.status, 422, JSON.stringify(answer.body));
        assert.deepEqual(
          answer.body.errors.map((e: { field: string }) => e.field),
          ['data.erpOrderId'],
        );
      });
    });

    it('handles the same event id once, however often it is delivered', async () => {
      const erpOrderId = `SO-${randomUUID()}`;
      const id = `msg_${randomUUID()}`;
      const first = await deliver(order(erpOrderId, partnerA()), { id });
      assert.equal(first.status, 200);
      const auditBefore = await count('audit_log');
      // A redelivery is signed afresh (new timestamp) with the same id; even a changed body does nothing.
      const second = await deliver(order(erpOrderId, partnerA(), { amount: 1 }), { id, timestamp: seconds() + 1 });
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, { eventId: id, duplicate: true });
      const listed = await h.call('channelAdmin', 'GET', `/api/sales-orders?erpOrderId=${erpOrderId}`);
      assert.equal(listed.body.data.length, 1);
      assert.equal(listed.body.data[0].amount, 48_000);
      assert.equal(await count('audit_log'), auditBefore);
    });

    it('handles concurrent deliveries of one event once', async () => {
      const erpOrderId = `SO-${randomUUID()}`;
      const id = `msg_${randomUUID()}`;
      const answers = await Promise.all([1, 2, 3].map(() => deliver(order(erpOrderId, partnerA()), { id })));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200],
      );
      assert.equal(answers.filter((a) => a.body.duplicate).length, 2);
      const listed = await h.call('channelAdmin', 'GET', `/api/sales-orders?erpOrderId=${erpOrderId}`);
      assert.equal(listed.body.data.length, 1);
    });

    it('refuses bad data naming the field, stores nothing, and accepts the corrected event under the same id', async () => {
      const erpOrderId = `SO-${randomUUID()}`;
      const id = `msg_${randomUUID()}`;
      const [events, orders] = [await count('intake_event'), await count('sales_order')];
      const bad = await deliver(order(erpOrderId, partnerA(), { amount: 'lots', orderedOn: undefined }), { id });
      assert.equal(bad.status, 422, JSON.stringify(bad.body));
      const fields = bad.body.errors.map((e: any) => e.field).sort();
      assert.deepEqual(fields, ['data.amount', 'data.orderedOn']);
      const unknownPartner = await deliver(order(erpOrderId, 'no-such-partner'), { id });
      assert.equal(unknownPartner.status, 422);
      assert.deepEqual(
        unknownPartner.body.errors.map((e: any) => e.field),
        ['data.partner'],
      );
      assert.equal(await count('intake_event'), events);
      assert.equal(await count('sales_order'), orders);

      const fixed = await deliver(order(erpOrderId, partnerA()), { id });
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      assert.equal(fixed.body.handled, true);
    });

    it('refuses an envelope without a type or data object, naming them', async () => {
      const answer = await deliver(JSON.stringify({ kind: 'salesOrder.upserted', data: [] }));
      assert.equal(answer.status, 422);
      assert.deepEqual(
        answer.body.errors.map((e: any) => e.field),
        ['type', 'data'],
      );
      const notJson = await deliver('type=salesOrder');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.errors[0].field, 'body');
    });

    it('accepts an event of a type nobody handles yet with 202, and records it as unhandled', async () => {
      const id = `msg_${randomUUID()}`;
      const answer = await deliver(JSON.stringify({ type: 'contact.merged', data: { from: 'a', to: 'b' } }), { id });
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { eventId: id, accepted: true, handled: false });
      const events = await h.call('channelAdmin', 'GET', '/api/intake/senders/erp/events?limit=200');
      const recorded = events.body.data.find((e: any) => e.eventId === id);
      assert.equal(recorded.type, 'contact.merged');
      assert.equal(recorded.status, 'unhandled');
      assert.equal((await deliver(JSON.stringify({ type: 'contact.merged', data: {} }), { id })).body.duplicate, true);
    });

    it('rotates the secret: the new one works at once, the old one for the grace period only', async () => {
      const made = await h.call('channelAdmin', 'POST', '/api/intake/senders', { name: 'erp-rotating' });
      const old = made.body.secret;
      const rotated = await h.call('channelAdmin', 'POST', '/api/intake/senders/erp-rotating/rotate-secret');
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.secret, old);
      const audit = await h.call('channelAdmin', 'GET', `/api/audit-log?object=intakeSender&recordId=${made.body.id}`);
      assert.deepEqual(
        audit.body.data.map((entry: any) => entry.action),
        ['rotate-secret', 'create'],
      );
      const event = JSON.stringify({ type: 'ping', data: {} });
      assert.equal((await deliver(event, { sender: 'erp-rotating', secret: rotated.body.secret })).status, 202);
      assert.equal((await deliver(event, { sender: 'erp-rotating', secret: old })).status, 202);
      const tx = { db: h.store.db, dialect: h.store.dialect };
      const later = new Date(Date.parse(rotated.body.previousSecretExpiresAt) + 1000);
      // The app's secret box is its own, so the deadline is checked on a copy of the row sealed with a box of ours.
      const row = await h.store.db
        .selectFrom('intake_sender')
        .selectAll()
        .where('name', '=', 'erp-rotating')
        .executeTakeFirstOrThrow();
      assert.ok(row.previous_secret_sealed);
      const probe = secretBox(randomBytes(32));
      const sealed = {
        ...row,
        secret_sealed: probe.seal('whsec_new'),
        previous_secret_sealed: probe.seal('whsec_old'),
      };
      await h.store.db
        .insertInto('intake_sender')
        .values({ ...sealed, id: randomUUID(), name: 'probe' })
        .execute();
      const before = await senderForDelivery(tx, probe, new Date(later.getTime() - 2000), 'probe');
      const afterGrace = await senderForDelivery(tx, probe, later, 'probe');
      assert.deepEqual(before!.secrets, ['whsec_new', 'whsec_old']);
      assert.deepEqual(afterGrace!.secrets, ['whsec_new']);
    });

    it('deletes a sender, whose deliveries are then refused', async () => {
      const made = await h.call('channelAdmin', 'POST', '/api/intake/senders', { name: 'short-lived' });
      assert.equal((await h.call('channelAdmin', 'DELETE', '/api/intake/senders/short-lived')).status, 204);
      const answer = await deliver(JSON.stringify({ type: 'ping', data: {} }), {
        sender: 'short-lived',
        secret: made.body.secret,
      });
      assert.equal(answer.status, 404);
      const again = await h.call('channelAdmin', 'DELETE', '/api/intake/senders/short-lived');
      assert.equal(again.status, 404);
      assert.deepEqual(
        { type: again.body.type, title: again.body.title, detail: again.body.detail },
        { type: '/problems/not-found', title: 'No such sender', detail: 'No intake sender is named short-lived.' },
      );
    });

    it('refuses a sender with a bad or taken name, or an unknown scheme, naming the field', async () => {
      const bad = await h.call('channelAdmin', 'POST', '/api/intake/senders', {
        name: 'Has Spaces',
        scheme: 'hubspot-v9',
      });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors.map((e: any) => e.field).sort(), ['name', 'scheme']);
      const taken = await h.call('channelAdmin', 'POST', '/api/intake/senders', { name: 'erp' });
      assert.equal(taken.status, 422);
      assert.equal(taken.body.errors[0].field, 'name');
    });

    it('is described in the OpenAPI document', async () => {
      const document = await h.callAs(null, 'GET', '/api/docs.json');
      for (const path of [
        '/api/intake/senders',
        '/api/intake/senders/{name}/rotate-secret',
        '/api/intake/{sender}',
        '/xapi/statements',
      ])
        assert.ok(document.body.paths[path], `${path} is documented`);
    });

    describe('only channel admins manage senders', () => {
      for (const role of [...roles.filter((r) => r !== 'channelAdmin'), null]) {
        it(`${role ?? 'nobody signed in'} may not list, create, rotate, read, see events or delete`, async () => {
          const expected = role ? 403 : 401;
          const attempts = [
            await h.call(role, 'GET', '/api/intake/senders'),
            await h.call(role, 'POST', '/api/intake/senders', { name: `by-${String(role).toLowerCase()}` }),
            await h.call(role, 'GET', '/api/intake/senders/erp'),
            await h.call(role, 'GET', '/api/intake/senders/erp/events'),
            await h.call(role, 'POST', '/api/intake/senders/erp/rotate-secret'),
            await h.call(role, 'DELETE', '/api/intake/senders/erp'),
          ];
          assert.deepEqual(
            attempts.map((a) => a.status),
            attempts.map(() => expected),
          );
          assert.ok(attempts.every((a) => !JSON.stringify(a.body).includes('whsec_')));
        });
      }
      it('and the secret still works after they tried', async () => {
        assert.equal((await deliver(JSON.stringify({ type: 'ping', data: {} }))).status, 202);
      });
    });
  });
}
