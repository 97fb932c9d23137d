import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { evaluateCriteria, type TierEvidence, type TierRules } from '../criteria.ts';
import { proposeTier, evaluateTiersDaily } from '../proposals.ts';
import { decideTierProposal } from '../approval.ts';
import { simulateCriteria } from '../simulation.ts';
import { NotAllowedError, TransitionError, ValidationError } from '../../errors.ts';

const tiers: TierRules[] = JSON.parse(readFileSync(new URL('./data/tiers.json', import.meta.url), 'utf8'));
const program = { downgradeGraceDays: 90 };
const goldLevel: TierEvidence = {
  partner: 'p-northwind',
  sourcedRevenue: { amount: 150_000_000, currency: 'USD' },
  certifiedPeople: 7,
  registeredDeals: 31,
  wonDeals: 12,
  nps: 45,
  mdfCompliant: true,
};
const silverLevel: TierEvidence = {
  ...goldLevel,
  sourcedRevenue: { amount: 40_000_000, currency: 'USD' },
  certifiedPeople: 3,
  registeredDeals: 9,
  wonDeals: 3,
};

describe('tier criteria', () => {
  it('reports each criterion with what was required and what was found', () => {
    const gold = evaluateCriteria(tiers[2], silverLevel);
    assert.deepEqual(
      gold.filter((c) => !c.holds).map((c) => [c.criterion, c.required, c.actual]),
      [
        ['sourcedRevenue', 100_000_000, 40_000_000],
        ['certifiedPeople', 5, 3],
        ['registeredDeals', 20, 9],
        ['wonDeals', 8, 3],
      ],
    );
  });

  it('fails an NPS criterion when nobody answered the survey', () => {
    const nps = evaluateCriteria(tiers[2], { ...goldLevel, nps: null }).find((c) => c.criterion === 'nps')!;
    assert.equal(nps.holds, false);
  });

  it('refuses to compare revenue measured in another currency', () => {
    assert.throws(
      () => evaluateCriteria(tiers[1], { ...goldLevel, sourcedRevenue: { amount: 1, currency: 'EUR' } }),
      ValidationError,
    );
  });
});

describe('the daily tier proposal', () => {
  it('proposes an upgrade at once, citing the criteria of the new tier', () => {
    const proposal = proposeTier(
      { partner: 'p-northwind', tier: 't-silver', belowCriteriaSince: null },
      goldLevel,
      tiers,
      program,
      '2026-11-26T02:00:00Z',
    );
    assert.equal(proposal.action, 'upgrade');
    assert.equal(proposal.to, 't-gold');
    assert.deepEqual(
      proposal.evidence.map((c) => c.criterion),
      ['sourcedRevenue', 'certifiedPeople', 'registeredDeals', 'wonDeals', 'nps', 'mdfCompliance'],
    );
  });

  it('keeps a partner below its criteria during the grace period and says when it ends', () => {
    const proposal = proposeTier(
      { partner: 'p-northwind', tier: 't-gold', belowCriteriaSince: null },
      silverLevel,
      tiers,
      program,
      '2026-11-26T02:00:00Z',
    );
    assert.equal(proposal.action, 'keep');
    assert.equal(proposal.belowCriteriaSince, '2026-11-26T02:00:00Z');
    assert.equal(proposal.graceEndsOn, '2027-02-24');
    assert.deepEqual(
      proposal.shortfalls.map((c) => c.criterion),
      ['sourcedRevenue', 'certifiedPeople', 'registeredDeals', 'wonDeals'],
    );
  });

  it('proposes the downgrade once the grace period has run out, to the tier still met', () => {
    const proposal = proposeTier(
      { partner: 'p-northwind', tier: 't-gold', belowCriteriaSince: '2026-08-01T02:00:00Z' },
      silverLevel,
      tiers,
      program,
      '2026-10-30T02:00:00Z',
    );
    assert.deepEqual([proposal.action, proposal.from, proposal.to], ['downgrade', 't-gold', 't-silver']);
  });

  it('clears the grace clock when the partner meets its criteria again', () => {
    const proposal = proposeTier(
      { partner: 'p-northwind', tier: 't-gold', belowCriteriaSince: '2026-08-01T02:00:00Z' },
      goldLevel,
      tiers,
      program,
      '2026-09-01T02:00:00Z',
    );
    assert.deepEqual([proposal.action, proposal.belowCriteriaSince], ['keep', null]);
  });

  it('needs evidence for every partner it evaluates', () => {
    assert.throws(
      () =>
        evaluateTiersDaily(
          [{ partner: 'p-x', tier: null, belowCriteriaSince: null }],
          new Map(),
          tiers,
          program,
          '2026-11-26',
        ),
      ValidationError,
    );
  });

  it('always cites only criteria that hold (property)', () => {
    const evidence = fc.record({
      partner: fc.constant('p-1'),
      sourcedRevenue: fc.record({ amount: fc.integer({ min: 0, max: 300_000_000 }), currency: fc.constant('USD') }),
      certifiedPeople: fc.nat(10),
      registeredDeals: fc.nat(40),
      wonDeals: fc.nat(15),
      nps: fc.option(fc.integer({ min: -100, max: 100 })),
      mdfCompliant: fc.boolean(),
    });
    const standing = fc.record({
      partner: fc.constant('p-1'),
      tier: fc.constantFrom(null, 't-registered', 't-silver', 't-gold'),
      belowCriteriaSince: fc.option(fc.constantFrom('2026-01-01T00:00:00Z', '2026-11-20T00:00:00Z')),
    });
    fc.assert(
      fc.property(standing, evidence, (s, e) => {
        const proposal = proposeTier(s, e, tiers, program, '2026-11-26T00:00:00Z');
        for (const cited of proposal.evidence) {
          const again = evaluateCriteria(
            tiers.find((t) => t.id === cited.tier)!,
            e,
          ).find((c) => c.criterion === cited.criterion)!;
          assert.ok(cited.holds && again.holds, `${cited.criterion} cited but does not hold`);
        }
        if (proposal.action === 'downgrade') assert.ok(proposal.shortfalls.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('approving a tier change', () => {
  const upgrade = proposeTier(
    { partner: 'p-northwind', tier: 't-silver', belowCriteriaSince: null },
    goldLevel,
    tiers,
    program,
    '2026-11-26T02:00:00Z',
  );

  it('changes the tier only when a channel manager approves', () => {
    const change = decideTierProposal(
      upgrade,
      { verdict: 'approve', decidedBy: 'Dana Reyes', role: 'channelManager' },
      '2026-11-26T09:00:00Z',
    );
    assert.deepEqual([change?.from, change?.to, change?.effectiveAt], ['t-silver', 't-gold', '2026-11-26T09:00:00Z']);
    assert.throws(
      () => decideTierProposal(upgrade, { verdict: 'approve', decidedBy: 'Pat', role: 'partnerAdmin' }, 'now'),
      NotAllowedError,
    );
  });

  it('needs a reason to reject, and has nothing to approve for a keep', () => {
    assert.throws(
      () => decideTierProposal(upgrade, { verdict: 'reject', decidedBy: 'Dana', role: 'channelAdmin' }, 'now'),
      ValidationError,
    );
    assert.equal(
      decideTierProposal(
        upgrade,
        { verdict: 'reject', decidedBy: 'Dana', role: 'channelAdmin', reason: 'Wait for Q1 audit' },
        'now',
      ),
      null,
    );
    const keep = proposeTier(
      { partner: 'p-northwind', tier: 't-gold', belowCriteriaSince: null },
      goldLevel,
      tiers,
      program,
      'now',
    );
    assert.throws(
      () => decideTierProposal(keep, { verdict: 'approve', decidedBy: 'Dana', role: 'channelAdmin' }, 'now'),
      TransitionError,
    );
  });
});

describe('what-if simulation', () => {
  it('lists who would move if Gold needed less revenue, and the tier counts before and after', () => {
    const nearGold: TierEvidence = {
      ...goldLevel,
      partner: 'p-contoso',
      sourcedRevenue: { amount: 80_000_000, currency: 'USD' },
    };
    const cheaperGold = tiers.map((t) => (t.id === 't-gold' ? { ...t, minSourcedRevenue: 75_000_000 } : t));
    const simulation = simulateCriteria([goldLevel, silverLevel, nearGold], tiers, cheaperGold);
    assert.deepEqual(simulation.moves, [{ partner: 'p-contoso', from: 't-silver', to: 't-gold', direction: 'up' }]);
    assert.deepEqual([simulation.before.get('t-gold'), simulation.after.get('t-gold')], [1, 2]);
  });
});
