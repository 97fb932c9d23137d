import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

/** A registration won inside its protection window: partner-sourced revenue. */
const wonDeal = (partner: string, amount: number, closedAt: string) => ({
  partner,
  customerName: `Customer ${amount}`,
  customerCountry: 'DE',
  opportunityName: 'Platform rollout',
  currency: 'USD',
  amount,
  expectedCloseOn: closedAt.slice(0, 10),
  status: 'won',
  submittedAt: '2026-05-01T09:00:00.000Z',
  protectionEndsAt: '2026-12-31T00:00:00.000Z',
  closedAt,
});

describe('tiers over HTTP', () => {
  let h: Harness;
  const tier: Record<string, string> = {};
  let rising: string;
  let falling: string;

  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as Record<string, any>;
  };
  const evaluate = async () => {
    const response = await h.call('channelManager', 'POST', '/api/tiers/evaluate', {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data as Array<Record<string, any>>;
  };

  before(async () => {
    h = await startHarness();
    const program = h.records.A.get('program')!;
    // The harness's generic tier has no criteria, so everyone would qualify for it; it is not part of this program.
    const generic = `/api/tiers/${h.records.A.get('tier')}`;
    const etag = (await h.call('channelAdmin', 'GET', generic)).headers.get('etag')!;
    assert.equal((await h.call('channelAdmin', 'DELETE', generic, undefined, { 'if-match': etag })).status, 204);
    tier.registered = (await create('/api/tiers', { name: 'Registered', program, rank: 1 })).id;
    tier.silver = (
      await create('/api/tiers', {
        name: 'Silver',
        program,
        rank: 2,
        minWonDeals: 1,
        minSourcedRevenue: 100_000,
        requiresMdfCompliance: true,
      })
    ).id;
    tier.gold = (
      await create('/api/tiers', {
        name: 'Gold',
        program,
        rank: 3,
        minWonDeals: 2,
        minSourcedRevenue: 1_000_000,
        minCertifiedPeople: 1,
      })
    ).id;
    rising = (await create('/api/partners', { name: 'Rising GmbH', status: 'active', tier: tier.registered })).id;
    falling = (await create('/api/partners', { name: 'Falling Ltd', status: 'active', tier: tier.gold })).id;
    await create('/api/deal-registrations', wonDeal(rising, 600_000, '2026-08-01T00:00:00.000Z'));
    await create('/api/deal-registrations', wonDeal(rising, 600_000, '2026-09-01T00:00:00.000Z'));
    // Won more than twelve months ago: outside the trailing window, so it must not count.
    await create('/api/deal-registrations', {
      ...wonDeal(falling, 5_000_000, '2025-10-01T00:00:00.000Z'),
      submittedAt: '2025-06-01T00:00:00.000Z',
    });
    const contact = await create('/api/partner-contacts', { name: 'Rita Rising', partner: rising });
    await create('/api/certifications', {
      name: 'Security Specialist',
      partner: rising,
      partnerContact: contact.id,
      earnedOn: '2026-02-01',
      status: 'active',
    });
  });
  after(() => h.close());

  it('proposes from evidence measured on the server over the trailing twelve months', async () => {
    assert.equal((await h.call('partnerAdmin', 'POST', '/api/tiers/evaluate', {})).status, 403);
    assert.equal((await h.call('salesRep', 'POST', '/api/tiers/evaluate', {})).status, 403);
    const evaluations = await evaluate();
    const up = evaluations.find((e) => e.partner === rising)!;
    assert.equal(up.proposal.action, 'upgrade');
    assert.equal(up.proposal.to, tier.gold);
    assert.deepEqual(up.evidence.sourcedRevenue, { amount: 1_200_000, currency: 'USD' });
    assert.equal(up.evidence.wonDeals, 2);
    assert.equal(up.evidence.certifiedPeople, 1);
    assert.ok(up.proposal.evidence.every((c: { holds: boolean }) => c.holds));

    const down = evaluations.find((e) => e.partner === falling)!;
    assert.equal(down.evidence.wonDeals, 0, 'the old win is outside the window');
    assert.equal(down.proposal.action, 'keep', 'a first shortfall is kept in grace');
    assert.equal(down.proposal.graceEndsOn, '2027-02-24');
    assert.ok(down.proposal.shortfalls.length > 0);
    // Harness partners are prospects: the tiers are not theirs to hold yet.
    assert.ok(!evaluations.some((e) => e.partner === h.records.A.get('partner')));
  });

  it('applies an approved upgrade only if it is what the server proposes now', async () => {
    const path = `/api/partners/${rising}/change-tier`;
    const forged = await h.call('channelManager', 'POST', path, {
      verdict: 'approve',
      to: tier.gold,
      evidence: { wonDeals: 99 },
    });
    assert.equal(forged.status, 422, 'evidence is never taken from the client');
    const noTarget = await h.call('channelManager', 'POST', path, { verdict: 'approve' });
    assert.equal(noTarget.status, 422);
    assert.deepEqual(
      noTarget.body.errors.map((e: { field: string }) => e.field),
      ['to'],
    );
    const stale = await h.call('channelManager', 'POST', path, { verdict: 'approve', to: tier.silver });
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal((await h.call('channelAdmin', 'GET', `/api/partners/${rising}`)).body.tier, tier.registered);

    const approved = await h.call('channelManager', 'POST', path, { verdict: 'approve', to: tier.gold });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.record.tier, tier.gold);
    assert.equal(approved.body.record.tierSince, '2026-11-26');
    assert.equal(approved.body.change.from, tier.registered);

    const again = await h.call('channelManager', 'POST', path, { verdict: 'approve', to: tier.gold });
    assert.equal(again.status, 409, 'now it proposes to keep: nothing to approve');
  });

  it('rejects only with a reason, keeps the tier, and audits the refusal', async () => {
    const path = `/api/partners/${falling}/change-tier`;
    assert.equal((await h.call('partnerAdmin', 'POST', path, { verdict: 'reject', reason: 'x' })).status, 403);
    // Falling is in grace: the proposal keeps its tier, so there is nothing to decide either way.
    assert.equal((await h.call('channelAdmin', 'POST', path, { verdict: 'reject', reason: 'No.' })).status, 409);

    const other = (await create('/api/partners', { name: 'Steady SA', status: 'active', tier: tier.registered })).id;
    await create('/api/deal-registrations', wonDeal(other, 200_000, '2026-10-01T00:00:00.000Z'));
    const otherPath = `/api/partners/${other}/change-tier`;
    const noReason = await h.call('channelAdmin', 'POST', otherPath, { verdict: 'reject' });
    assert.equal(noReason.status, 422);
    assert.deepEqual(
      noReason.body.errors.map((e: { field: string }) => e.field),
      ['reason'],
    );
    const rejected = await h.call('channelAdmin', 'POST', otherPath, {
      verdict: 'reject',
      reason: 'Wait for the Q1 review.',
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.record.tier, tier.registered);
    assert.equal(rejected.body.rejected.to, tier.silver);
    const log = await h.call('channelAdmin', 'GET', `/api/audit-log?recordId=${other}`);
    const entry = log.body.data.find((e: { action: string }) => e.action === 'reject-tier-change');
    assert.equal(entry.after.reason, 'Wait for the Q1 review.');
  });

  it('simulates who would move under proposed criteria without changing anything', async () => {
    const response = await h.call('channelManager', 'POST', '/api/tiers/simulate', {
      tiers: [{ id: tier.gold, minWonDeals: 3 }],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body.moves, [{ partner: rising, from: tier.gold, to: tier.silver, direction: 'down' }]);
    const count = (rows: Array<{ tier: string; partners: number }>, id: string) =>
      rows.find((row) => row.tier === id)?.partners ?? 0;
    assert.equal(count(response.body.before, tier.gold), 1);
    assert.equal(count(response.body.after, tier.gold), 0);
    assert.equal((await h.call('channelAdmin', 'GET', `/api/tiers/${tier.gold}`)).body.minWonDeals, 2);

    const unknown = await h.call('channelManager', 'POST', '/api/tiers/simulate', { tiers: [{ id: 'nope' }] });
    assert.equal(unknown.status, 422);
    assert.deepEqual(
      unknown.body.errors.map((e: { field: string }) => e.field),
      ['tiers.0.id'],
    );
    const empty = await h.call('channelManager', 'POST', '/api/tiers/simulate', {});
    assert.equal(empty.status, 422);
    assert.equal(empty.body.errors[0].field, 'tiers');
    assert.equal((await h.call('partnerRep', 'POST', '/api/tiers/simulate', {})).status, 403);
  });
});
