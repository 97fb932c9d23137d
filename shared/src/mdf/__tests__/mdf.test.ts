import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { allocateBudget, remainingBalance } from '../allocation.ts';
import { submitFundRequest, decideFundRequest } from '../fundRequests.ts';
import {
  submitFundClaim,
  approveFundClaim,
  payFundClaim,
  claimDeadline,
  rejectFundClaim,
  type ClaimRecord,
} from '../fundClaims.ts';
import { mdfCompliance } from '../compliance.ts';
import { TransitionError, ValidationError } from '../../errors.ts';

const fixture = JSON.parse(readFileSync(new URL('./data/budget.json', import.meta.url), 'utf8'));
const { budget, tiers, partners, request } = fixture;

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  assert.fail('expected a ValidationError');
}

const draftClaim: ClaimRecord = {
  fundRequest: 'frq-1',
  currency: 'USD',
  claimedAmount: 1_000_000,
  reimbursementRate: null,
  approvedAmount: null,
  paidAmount: null,
  proofOfPerformanceUrl: 'https://files.example.com/invoices/INV-2291.pdf',
  proofDescription: '38 attendees',
  status: 'draft',
  submittedAt: null,
  paidAt: null,
  paymentReference: null,
};
const approvedRequest = {
  id: 'frq-1',
  status: 'approved' as const,
  currency: 'USD',
  approvedAmount: 600_000,
  activityEnd: '2026-09-15',
};

describe('allocating a budget by tier percentage', () => {
  it("shares each tier's percentage equally among its active partners", () => {
    const allocations = allocateBudget(budget, partners, tiers);
    const amounts = Object.fromEntries(allocations.map((a) => [a.partner, a.allocatedAmount]));
    assert.deepEqual(amounts, {
      'p-northwind': 3_000_000,
      'p-contoso': 3_000_000,
      'p-fabrikam': 1_000_000,
      'p-litware': 1_000_000,
      'p-adatum': 1_000_000,
    });
  });

  it('never allocates more than the budget, rounding shares down', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e11 }),
        fc.array(fc.integer({ min: 0, max: 33 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 50 }),
        (total, shares, members) => {
          const someTiers = shares.map((share, i) => ({ id: `t${i}`, name: `T${i}`, mdfSharePercent: share }));
          const somePartners = Array.from({ length: members }, (_, i) => ({
            id: `p${i}`,
            tier: `t${i % shares.length}`,
            status: 'active' as const,
          }));
          const allocations = allocateBudget({ ...budget, totalAmount: total }, somePartners, someTiers);
          assert.ok(allocations.reduce((sum, a) => sum + a.allocatedAmount, 0) <= total);
          assert.ok(allocations.every((a) => Number.isInteger(a.allocatedAmount)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses tier shares that add up to more than 100%', () => {
    assert.deepEqual(
      fieldsOf(() =>
        allocateBudget(budget, partners, [...tiers, { id: 't-plat', name: 'Platinum', mdfSharePercent: 20 }]),
      ),
      ['mdfSharePercent'],
    );
  });

  it('gives pooled budgets no per-partner allocations; requests draw on the whole budget', () => {
    const pooled = { ...budget, allocationMethod: 'pooled' };
    assert.deepEqual(allocateBudget(pooled, partners, tiers), []);
    const drawn = [
      {
        partner: 'p-contoso',
        mdfBudget: budget.id,
        mdfAllocation: null,
        status: 'approved' as const,
        approvedAmount: 2_500_000,
      },
    ];
    assert.deepEqual(remainingBalance(pooled, null, drawn), { amount: 7_500_000, currency: 'USD' });
  });
});

describe('fund requests', () => {
  const now = '2026-08-01T09:00:00Z';

  it('submits a complete request made before the request deadline', () => {
    assert.equal(submitFundRequest(request, budget, now).status, 'submitted');
  });

  it('names every missing or wrong field at once', () => {
    const bad = {
      ...request,
      activityName: ' ',
      requestedAmount: 0,
      activityEnd: '2026-09-01',
      expectedLeads: null,
      expectedPipeline: null,
    };
    assert.deepEqual(
      fieldsOf(() => submitFundRequest(bad, budget, now)),
      ['activityName', 'requestedAmount', 'activityEnd', 'expectedLeads'],
    );
  });

  it('refuses requests after the request deadline', () => {
    assert.deepEqual(
      fieldsOf(() => submitFundRequest(request, budget, '2026-12-01T08:00:00Z')),
      ['mdfBudget'],
    );
  });

  it('approves against the remaining balance and refuses more than remains', () => {
    const submitted = submitFundRequest(request, budget, now);
    const approved = decideFundRequest(
      submitted,
      { verdict: 'approve', decidedBy: 'Dana Reyes' },
      { amount: 3_000_000, currency: 'USD' },
      now,
    );
    assert.equal(approved.approvedAmount, 1_200_000);
    assert.deepEqual(
      fieldsOf(() =>
        decideFundRequest(
          submitted,
          { verdict: 'approve', decidedBy: 'Dana Reyes' },
          { amount: 1_000_000, currency: 'USD' },
          now,
        ),
      ),
      ['approvedAmount'],
    );
    const partial = decideFundRequest(
      submitted,
      { verdict: 'approve', amount: 1_000_000, decidedBy: 'Dana Reyes' },
      { amount: 1_000_000, currency: 'USD' },
      now,
    );
    assert.equal(partial.approvedAmount, 1_000_000);
  });

  it('requires a reason to reject, and cannot decide twice', () => {
    const submitted = submitFundRequest(request, budget, now);
    assert.deepEqual(
      fieldsOf(() =>
        decideFundRequest(
          submitted,
          { verdict: 'reject', decidedBy: 'Dana', reason: '' },
          { amount: 0, currency: 'USD' },
          now,
        ),
      ),
      ['decisionReason'],
    );
    const rejected = decideFundRequest(
      submitted,
      { verdict: 'reject', decidedBy: 'Dana', reason: 'Outside the agreed plan' },
      { amount: 0, currency: 'USD' },
      now,
    );
    assert.throws(
      () =>
        decideFundRequest(rejected, { verdict: 'approve', decidedBy: 'Dana' }, { amount: 9e9, currency: 'USD' }, now),
      TransitionError,
    );
  });
});

describe('fund claims', () => {
  it('needs proof of performance and the activity to be over', () => {
    assert.deepEqual(
      fieldsOf(() =>
        submitFundClaim(
          { ...draftClaim, proofOfPerformanceUrl: null },
          approvedRequest,
          budget,
          '2026-09-10T00:00:00Z',
        ),
      ),
      ['proofOfPerformanceUrl', 'fundRequest'],
    );
  });

  it('closes claims the configured number of days after the activity', () => {
    assert.equal(claimDeadline(approvedRequest, budget), '2026-11-14');
    assert.equal(submitFundClaim(draftClaim, approvedRequest, budget, '2026-11-14T23:00:00Z').status, 'submitted');
    assert.deepEqual(
      fieldsOf(() => submitFundClaim(draftClaim, approvedRequest, budget, '2026-11-15T00:00:00Z')),
      ['submittedAt'],
    );
  });

  it('reimburses the rate of the cost, capped by what the request approved', () => {
    const submitted = submitFundClaim(draftClaim, approvedRequest, budget, '2026-10-01T00:00:00Z');
    assert.equal(approveFundClaim(submitted, approvedRequest, 50, 0).approvedAmount, 500_000);
    assert.equal(approveFundClaim(submitted, approvedRequest, 75, 0).approvedAmount, 600_000);
    assert.equal(approveFundClaim(submitted, approvedRequest, 50, 400_000).approvedAmount, 200_000);
  });

  it('pays at most the approved amount and records the reference', () => {
    const approved = approveFundClaim(
      submitFundClaim(draftClaim, approvedRequest, budget, '2026-10-01T00:00:00Z'),
      approvedRequest,
      50,
      0,
    );
    const paid = payFundClaim(approved, { reference: 'ACH-77812' }, '2026-10-20T00:00:00Z');
    assert.deepEqual([paid.status, paid.paidAmount, paid.paymentReference], ['paid', 500_000, 'ACH-77812']);
    assert.deepEqual(
      fieldsOf(() => payFundClaim(approved, { amount: 500_001, reference: 'ACH-1' }, '2026-10-20T00:00:00Z')),
      ['paidAmount'],
    );
    assert.throws(
      () =>
        payFundClaim(
          rejectFundClaim(submitFundClaim(draftClaim, approvedRequest, budget, '2026-10-01T00:00:00Z')),
          { reference: 'x' },
          'now',
        ),
      TransitionError,
    );
  });
});

describe('MDF is never overspent (property)', () => {
  const step = fc.record({
    requested: fc.integer({ min: 1, max: 5_000_000 }),
    approve: fc.integer({ min: 1, max: 5_000_000 }),
    claimed: fc.integer({ min: 1, max: 8_000_000 }),
    rate: fc.integer({ min: 1, max: 100 }),
    pay: fc.integer({ min: 0, max: 8_000_000 }),
    claims: fc.integer({ min: 1, max: 3 }),
  });

  it('approved ≤ allocation, claimed ≤ approved, paid ≤ claimed, whatever the managers try', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(step, { maxLength: 12 }), (allocated, steps) => {
        const allocation = { id: 'alc-1', allocatedAmount: allocated };
        const requests: Array<
          ReturnType<typeof decideFundRequest<typeof request>> & {
            id: string;
            mdfBudget: string;
            mdfAllocation: string;
            partner: string;
          }
        > = [];
        const claims: Array<ClaimRecord> = [];
        steps.forEach((s, i) => {
          const submitted = {
            ...submitFundRequest({ ...request, requestedAmount: s.requested }, budget, '2026-08-01T00:00:00Z'),
            id: `frq-${i}`,
            mdfBudget: budget.id,
            mdfAllocation: 'alc-1',
            partner: 'p-contoso',
          };
          let decided;
          try {
            decided = decideFundRequest(
              submitted,
              { verdict: 'approve', amount: s.approve, decidedBy: 'M' },
              remainingBalance(budget, allocation, requests),
              '2026-08-02T00:00:00Z',
            );
          } catch (error) {
            assert.ok(error instanceof ValidationError);
            return;
          }
          requests.push(decided);
          const forRequest = { ...decided, activityEnd: '2026-09-15' };
          for (let c = 0; c < s.claims; c++) {
            const others = claims
              .filter((claim) => claim.fundRequest === decided.id)
              .reduce((sum, claim) => sum + (claim.approvedAmount ?? 0), 0);
            const submittedClaim = submitFundClaim(
              { ...draftClaim, fundRequest: decided.id, claimedAmount: s.claimed },
              forRequest,
              budget,
              '2026-10-01T00:00:00Z',
            );
            let claim = approveFundClaim(submittedClaim, forRequest, s.rate, others);
            try {
              claim = payFundClaim(claim, { amount: s.pay, reference: `PAY-${i}-${c}` }, '2026-10-10T00:00:00Z');
            } catch (error) {
              assert.ok(error instanceof ValidationError);
            }
            claims.push(claim);
          }
        });
        const approved = requests.reduce((sum, r) => sum + (r.approvedAmount ?? 0), 0);
        assert.ok(approved <= allocated, `approved ${approved} > allocated ${allocated}`);
        for (const r of requests) {
          const mine = claims.filter((claim) => claim.fundRequest === r.id);
          assert.ok(mine.reduce((sum, claim) => sum + (claim.approvedAmount ?? 0), 0) <= (r.approvedAmount ?? 0));
        }
        for (const claim of claims)
          assert.ok(
            (claim.paidAmount ?? 0) <= (claim.approvedAmount ?? 0) &&
              (claim.approvedAmount ?? 0) <= claim.claimedAmount,
          );
      }),
      { numRuns: 200 },
    );
  });
});

describe('MDF compliance (a tier criterion)', () => {
  const approved = {
    id: 'frq-1',
    mdfBudget: budget.id,
    status: 'approved' as const,
    activityEnd: '2026-09-15',
    activityName: 'Zero-trust breakfast briefing',
  };
  const budgets = new Map([[budget.id, budget]]);

  it('is kept while the claim window is open, and lost when approved funds go unclaimed past it', () => {
    assert.equal(mdfCompliance([approved], [], budgets, '2026-11-14T12:00:00Z').compliant, true);
    const late = mdfCompliance([approved], [], budgets, '2026-11-15T12:00:00Z');
    assert.deepEqual(late.findings, [
      {
        fundRequest: 'frq-1',
        reason: '"Zero-trust breakfast briefing" was not claimed with proof of performance by 2026-11-14.',
      },
    ]);
  });

  it('is kept by a submitted claim with proof, and lost by a rejected claim', () => {
    const claim = {
      fundRequest: 'frq-1',
      status: 'submitted' as const,
      proofOfPerformanceUrl: 'https://files.example.com/inv.pdf',
    };
    assert.equal(mdfCompliance([approved], [claim], budgets, '2027-01-01T00:00:00Z').compliant, true);
    assert.equal(
      mdfCompliance([approved], [{ ...claim, status: 'rejected' }], budgets, '2026-10-01T00:00:00Z').compliant,
      false,
    );
  });
});
