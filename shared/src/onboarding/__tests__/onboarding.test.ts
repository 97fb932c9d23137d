import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitScore } from '../fitScore.ts';
import { startReview, decideApplication, withdrawApplication } from '../applicationReview.ts';
import { signAgreement, supersededBy } from '../agreement.ts';
import {
  onboardingChecklist,
  applyOnboardingEvent,
  isOnboardingComplete,
  onboardingCompletedAt,
} from '../checklist.ts';
import { timeToFirstDeal } from '../timeToFirstDeal.ts';
import { TransitionError, ValidationError } from '../../errors.ts';

const { application, config } = JSON.parse(readFileSync(new URL('./data/application.json', import.meta.url), 'utf8'));

describe('fit score', () => {
  it('weights each criterion as configured and explains the score', () => {
    // size 0.6×1 + revenue 0.9×2 + territory 1×3 + type 1×2 + specialisations 0.5×2 = 8.4 of 10
    const result = fitScore(application, config);
    assert.equal(result.score, 84);
    assert.deepEqual(
      result.breakdown.map((b) => [b.criterion, b.value]),
      [
        ['size', 0.6],
        ['revenue', 0.9],
        ['territory', 1],
        ['partnerType', 1],
        ['specialisations', 0.5],
      ],
    );
  });

  it('switches a criterion off with a weight of 0', () => {
    const result = fitScore(
      { ...application, country: 'FR' },
      { ...config, weights: { ...config.weights, territory: 0 } },
    );
    assert.equal(result.score, Math.round((100 * 5.4) / 7));
  });

  it('refuses weights that are negative or all zero', () => {
    assert.throws(
      () => fitScore(application, { ...config, weights: { ...config.weights, size: -1 } }),
      (e: ValidationError) => e.problems[0].field === 'weights.size',
    );
    const zero = { size: 0, revenue: 0, territory: 0, partnerType: 0, specialisations: 0 };
    assert.throws(
      () => fitScore(application, { ...config, weights: zero }),
      (e: ValidationError) => e.problems[0].field === 'weights',
    );
  });
});

describe('application review', () => {
  const inReview = startReview({ ...application, fitScore: 84 }, 'Dana Reyes', '2026-11-02T09:00:00Z');

  it('accepts an application in review and records who decided and when', () => {
    const accepted = decideApplication(
      inReview,
      { verdict: 'accept', reviewer: 'Dana Reyes' },
      60,
      '2026-11-03T09:00:00Z',
    );
    assert.deepEqual(
      [accepted.status, accepted.reviewedBy, accepted.reviewedAt],
      ['accepted', 'Dana Reyes', '2026-11-03T09:00:00Z'],
    );
  });

  it('needs a reason to reject, or to accept below the minimum fit score', () => {
    assert.throws(
      () => decideApplication(inReview, { verdict: 'reject', reviewer: 'Dana' }, 60, 'now'),
      ValidationError,
    );
    assert.throws(
      () => decideApplication(inReview, { verdict: 'accept', reviewer: 'Dana' }, 90, 'now'),
      ValidationError,
    );
    assert.equal(
      decideApplication(inReview, { verdict: 'accept', reviewer: 'Dana', reason: 'Strategic in DACH' }, 90, 'now')
        .decisionReason,
      'Strategic in DACH',
    );
  });

  it('decides only applications in review, and lets applicants withdraw only before a decision', () => {
    assert.throws(
      () => decideApplication(application, { verdict: 'accept', reviewer: 'Dana' }, 0, 'now'),
      TransitionError,
    );
    assert.equal(withdrawApplication(inReview).status, 'withdrawn');
    const rejected = decideApplication(
      inReview,
      { verdict: 'reject', reviewer: 'Dana', reason: 'No presence in our markets' },
      60,
      'now',
    );
    assert.throws(() => withdrawApplication(rejected), TransitionError);
  });
});

describe('signing the agreement', () => {
  const sent = {
    agreementVersion: '2026.1',
    status: 'sent' as const,
    signedByName: null,
    signedByEmail: null,
    signedAt: null,
  };

  it('records the typed name, the version and the time of signing', () => {
    const signed = signAgreement(
      sent,
      { typedName: '  Jonas   Weber ', email: 'jonas.weber@northwind-it.example', versionShown: '2026.1' },
      '2026-11-04T10:12:00Z',
    );
    assert.deepEqual(
      [signed.status, signed.signedByName, signed.agreementVersion, signed.signedAt],
      ['signed', 'Jonas Weber', '2026.1', '2026-11-04T10:12:00Z'],
    );
    assert.deepEqual(
      supersededBy([{ ...sent, agreementVersion: '2025.2', status: 'signed' }], signed).map((a) => a.status),
      ['superseded'],
    );
  });

  it('refuses a signature on a version the signer did not read, or without a name', () => {
    assert.throws(
      () =>
        signAgreement(
          sent,
          { typedName: '', email: 'jonas.weber@northwind-it.example', versionShown: '2025.2' },
          'now',
        ),
      (e: ValidationError) => e.problems.map((p) => p.field).join() === 'signedByName,agreementVersion',
    );
  });
});

describe('onboarding checklist', () => {
  const checklist = onboardingChecklist('p-northwind', '2026-11-03');

  it('opens only the first step, with due dates from acceptance', () => {
    assert.deepEqual(
      checklist.map((t) => [t.step, t.status, t.dueOn]),
      [
        ['sign_agreement', 'open', '2026-11-10'],
        ['grant_portal_access', 'not_started', '2026-11-13'],
        ['assign_training', 'not_started', '2026-11-17'],
        ['complete_training', 'not_started', '2026-12-18'],
        ['register_first_deal', 'not_started', '2027-02-01'],
      ],
    );
  });

  it('opens the next step when a step is finished by its event', () => {
    const after = applyOnboardingEvent(checklist, { kind: 'agreement_signed', at: '2026-11-04T10:12:00Z' });
    assert.deepEqual(
      after.slice(0, 2).map((t) => t.status),
      ['done', 'open'],
    );
    assert.equal(onboardingCompletedAt(after), '2026-11-04T10:12:00Z');
    assert.deepEqual(applyOnboardingEvent(after, { kind: 'agreement_signed', at: 'later' }), after);
  });

  it('refuses a later step before the earlier ones, naming what to do first', () => {
    assert.throws(
      () => applyOnboardingEvent(checklist, { kind: 'deal_registered', at: 'now' }),
      /Sign the partner agreement/,
    );
  });

  it('is complete when every step is done', () => {
    let tasks = checklist;
    for (const kind of [
      'agreement_signed',
      'portal_access_granted',
      'training_assigned',
      'training_completed',
      'deal_registered',
    ] as const) {
      assert.ok(!isOnboardingComplete(tasks));
      tasks = applyOnboardingEvent(tasks, { kind, at: '2026-12-01T00:00:00Z' });
    }
    assert.ok(isOnboardingComplete(tasks));
  });
});

describe('time to first deal', () => {
  it('counts whole days from onboarding complete to the first won registration', () => {
    const deals = [
      { status: 'won' as const, closedAt: '2027-02-20T16:00:00Z' },
      { status: 'lost' as const, closedAt: '2027-01-05T16:00:00Z' },
      { status: 'won' as const, closedAt: '2027-01-15T16:00:00Z' },
    ];
    assert.deepEqual(timeToFirstDeal('2026-11-04', deals), { days: 72, firstWonAt: '2027-01-15T16:00:00Z' });
    assert.equal(timeToFirstDeal('2026-11-04', deals.slice(1, 2)), null);
    assert.equal(timeToFirstDeal(null, deals), null);
  });
});
