/**
 * Idempotency keys on POST: a retry with the same key gets the first answer and has no second effect;
 * the same key with another body, or a malformed key, is refused naming the header; keys are each
 * user's own; and an answer that held a secret shown once is not kept, so a retry cannot replay it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { rowCount } from '../../store/__tests__/stores.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`idempotency keys (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h.close());

    const nps = (score: number) => ({ score, respondedAt: '2026-11-20T09:00:00Z' });
    const count = () => rowCount(h.store.db, 'nps_response');

    it('answers a retry with the first answer, and makes one record', async () => {
      const before = await count();
      const key = { 'idempotency-key': 'nps-retry-0001' };
      const first = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(9), key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(9), key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.id, first.body.id);
      assert.equal(await count(), before + 1);
    });

    it('replays a refusal too, and refuses the key with another body, naming the header', async () => {
      const key = { 'idempotency-key': 'nps-refused-0001' };
      const refused = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(11), key);
      assert.equal(refused.status, 422);
      const replayed = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(11), key);
      assert.equal(replayed.status, 422);
      assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
      const other = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(8), key);
      assert.equal(other.status, 422);
      assert.equal(other.body.errors[0].field, 'Idempotency-Key');
      assert.match(other.body.errors[0].message, /already used for a different request/);
    });

    it('refuses a malformed key before anything runs', async () => {
      const before = await count();
      const answer = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(7), { 'idempotency-key': 'x y' });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.errors[0].field, 'Idempotency-Key');
      assert.equal(await count(), before);
    });

    it('keeps each user’s keys apart', async () => {
      const before = await count();
      const key = { 'idempotency-key': 'shared-key-0001' };
      const mine = await h.call('partnerRep', 'POST', '/api/nps-responses', nps(6), key);
      const theirs = await h.call('partnerAdmin', 'POST', '/api/nps-responses', nps(6), key);
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.notEqual(mine.body.id, theirs.body.id);
      assert.equal(theirs.headers.get('idempotent-replayed'), null);
      assert.equal(await count(), before + 2);
    });

    it('does not keep an answer that held a secret: the retry learns it succeeded, and no secret is stored', async () => {
      const key = { 'idempotency-key': 'sender-create-0001' };
      const body = { name: `erp-${dialect}`, scheme: 'standard-webhooks' };
      const created = await h.call('channelAdmin', 'POST', '/api/intake/senders', body, key);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.body.secret, /^whsec_/);
      const retry = await h.call('channelAdmin', 'POST', '/api/intake/senders', body, key);
      assert.equal(retry.status, 409);
      assert.match(retry.body.detail, /succeeded \(201\).*shown only once/);
      assert.doesNotMatch(JSON.stringify(retry.body), /whsec_/);
      const stored = await h.store.db.selectFrom('idempotency_key').select('response_body').execute();
      assert.ok(stored.every((row) => !String(row.response_body).includes(created.body.secret)));
      const senders = await h.call('channelAdmin', 'GET', '/api/intake/senders');
      assert.equal(senders.body.data.filter((sender: { name: string }) => sender.name === body.name).length, 1);
    });
  });
}
