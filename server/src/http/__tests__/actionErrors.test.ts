/**
 * Errors of business actions a client can act on: an id in an action's body that names nothing the
 * caller may see is answered as a CRUD lookup is (422 naming the field), and a partner user who names
 * another partner is refused as the CRUD routes refuse it, never quietly given their own.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';

const registration = {
  customerName: 'Globex',
  customerDomain: 'globex-actions.example',
  customerCountry: 'DE',
  opportunityName: 'Globex firewall refresh',
  currency: 'USD',
  amount: 1_500_000,
  expectedCloseOn: '2027-03-31',
  product: 'Security Suite',
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`action errors (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h.close());

    const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

    it('answers 422 naming the field for an id in an action body that names no record the caller may see', async () => {
      const request = {
        activityName: 'Webinar',
        activityType: 'webinar',
        activityStart: '2027-02-01',
        activityEnd: '2027-02-02',
        currency: 'USD',
        requestedAmount: 100_000,
        expectedLeads: 10,
      };
      const claim = { currency: 'USD', claimedAmount: 100_000 };
      const cases: [string, string, Record<string, unknown>, string][] = [
        [
          'partnerAdmin',
          '/api/fund-requests/request',
          { ...request, mdfAllocation: h.records.B.get('mdfAllocation') },
          'mdfAllocation',
        ],
        [
          'channelManager',
          '/api/fund-requests/request',
          { ...request, mdfAllocation: 'no-such-allocation' },
          'mdfAllocation',
        ],
        [
          'partnerAdmin',
          '/api/fund-claims/claim',
          { ...claim, fundRequest: h.records.B.get('fundRequest') },
          'fundRequest',
        ],
        ['channelManager', '/api/fund-claims/claim', { ...claim, fundRequest: 'no-such-request' }, 'fundRequest'],
        ['channelManager', '/api/tiers/evaluate', { partner: 'no-such-partner' }, 'partner'],
      ];
      for (const [role, path, body, field] of cases) {
        const answer = await h.call(role as never, 'POST', path, body);
        assert.equal(answer.status, 422, `${role} ${path}: ${JSON.stringify(answer.body)}`);
        assert.deepEqual(fieldsOf(answer.body), [field], `${path}: ${JSON.stringify(answer.body)}`);
      }
      for (const query of ['scorecard?from=2026-01-01&to=2026-03-31&partner=no-such', 'dashboard?partner=no-such']) {
        const answer = await h.call('channelManager', 'GET', `/api/partners/${query}`);
        assert.equal(answer.status, 422, `${query}: ${JSON.stringify(answer.body)}`);
        assert.deepEqual(fieldsOf(answer.body), ['partner']);
      }
    });

    it('refuses a partner user who asks for another partner’s dashboard, instead of showing their own', async () => {
      const answer = await h.call('partnerRep', 'GET', `/api/partners/dashboard?partner=${h.records.B.get('partner')}`);
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.deepEqual(fieldsOf(answer.body), ['partner']);
      const own = await h.call('partnerRep', 'GET', `/api/partners/dashboard?partner=${h.records.A.get('partner')}`);
      assert.equal(own.status, 200, JSON.stringify(own.body));
    });

    it('refuses register naming another partner as POST /api/deal-registrations does, and keeps nothing', async () => {
      const count = async () =>
        (await h.call('channelAdmin', 'GET', '/api/deal-registrations?limit=200')).body.data.length;
      const before = await count();
      const other = { ...registration, partner: h.records.B.get('partner') };
      const registered = await h.call('partnerRep', 'POST', '/api/deal-registrations/register', other);
      const created = await h.call('partnerRep', 'POST', '/api/deal-registrations', other);
      for (const answer of [registered, created]) {
        assert.equal(answer.status, 403, JSON.stringify(answer.body));
        assert.deepEqual(answer.body.errors, [{ field: 'partner', message: 'must be your own partner' }]);
      }
      assert.equal(await count(), before);
      const own = await h.call('partnerRep', 'POST', '/api/deal-registrations/register', {
        ...registration,
        partner: h.records.A.get('partner'),
      });
      assert.ok(own.status < 300, JSON.stringify(own.body));
    });
  });
}
