import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

describe("the partner's dashboard", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('shows a partner user their own partner, and refuses another partner instead of widening the view', async () => {
    const own = await h.call('partnerRep', 'GET', '/api/partners/dashboard');
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.partner.id, h.records.A.get('partner'));
    assert.deepEqual(Object.keys(own.body.registrations), ['draft']);
    assert.equal(own.body.registrations.draft.count, 1);
    const other = await h.call('partnerRep', 'GET', `/api/partners/dashboard?partner=${h.records.B.get('partner')}`);
    assert.equal(other.status, 422, 'the query cannot widen a partner user\u2019s view, nor is it quietly replaced');
    assert.deepEqual(other.body.errors, [{ field: 'partner', message: 'must be the id of a partner you can see' }]);
    assert.equal(other.body.partner, undefined, 'nothing of the other partner leaks');
  });

  it('shows vendor roles the partner they ask for, and asks which one when they do not say', async () => {
    const b = await h.call('channelManager', 'GET', `/api/partners/dashboard?partner=${h.records.B.get('partner')}`);
    assert.equal(b.status, 200);
    assert.equal(b.body.partner.id, h.records.B.get('partner'));
    const allocation = await h.call(
      'channelManager',
      'GET',
      `/api/mdf-allocations/${h.records.B.get('mdfAllocation')}`,
    );
    assert.deepEqual(b.body.mdf, [
      {
        currency: 'USD',
        allocated: allocation.body.allocatedAmount,
        approved: 0,
        paid: 0,
        remaining: allocation.body.allocatedAmount,
      },
    ]);
    const missing = await h.call('channelManager', 'GET', '/api/partners/dashboard');
    assert.equal(missing.status, 422);
    assert.equal(missing.body.errors[0].field, 'partner');
    const unknown = await h.call('channelManager', 'GET', '/api/partners/dashboard?partner=nope');
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].field, 'partner');
  });
});
