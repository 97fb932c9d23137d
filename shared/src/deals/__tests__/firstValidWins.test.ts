import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createConflictIndex } from '../conflictIndex.ts';
import { admitSubmission, arbitrateSubmissions, type Submission } from '../firstValidWins.ts';
import { now } from './data/registrations.ts';

/** Three customers, each written the ways partners write them; no spelling of one resembles another. */
const customers = [
  ['Nordwind Logistik GmbH', 'NORDWIND LOGISTIK', 'Nordwind Logistik AG', 'nordwind logistik gmbh & co. kg'],
  ['Quintronex Analytics Inc.', 'Quintronex Analytics', 'QUINTRONEX ANALYTICS LLC'],
  ['Harbor Dental Clinic Ltd', 'Harbor Dental Clinic', 'harbor dental clinic limited'],
];

const submissionArbitrary = fc.record({
  customer: fc.nat({ max: customers.length - 1 }),
  spelling: fc.nat({ max: 3 }),
  partner: fc.constantFrom('partner-a', 'partner-b', 'partner-c', 'partner-d'),
  minute: fc.nat({ max: 5 }),
});

function toSubmissions(
  drawn: { customer: number; spelling: number; partner: string; minute: number }[],
): (Submission & { customer: number })[] {
  return drawn.map((d, i) => ({
    id: `reg-${String(i).padStart(3, '0')}`,
    customer: d.customer,
    customerName: customers[d.customer][d.spelling % customers[d.customer].length],
    partner: d.partner,
    // Few distinct minutes, so many submissions are simultaneous.
    submittedAt: new Date(Date.parse(now) + d.minute * 60_000).toISOString(),
  }));
}

/** The expected winner per customer: earliest submission, ties broken by id. */
function expectedWinners(submissions: (Submission & { customer: number })[]): Map<number, string> {
  const winners = new Map<number, Submission & { customer: number }>();
  for (const s of submissions) {
    const current = winners.get(s.customer);
    if (!current || s.submittedAt < current.submittedAt || (s.submittedAt === current.submittedAt && s.id < current.id))
      winners.set(s.customer, s);
  }
  return new Map([...winners].map(([customer, s]) => [customer, s.id]));
}

describe('first valid registration wins', () => {
  it('gives protection to the first valid registration whatever the order of submission', () => {
    fc.assert(
      fc.property(
        fc.array(submissionArbitrary, { minLength: 1, maxLength: 12 }).chain((drawn) => {
          const submissions = toSubmissions(drawn);
          return fc.tuple(
            fc.constant(submissions),
            fc.shuffledSubarray(submissions, { minLength: submissions.length, maxLength: submissions.length }),
          );
        }),
        ([submissions, arrival]) => {
          const decisions = arbitrateSubmissions(createConflictIndex(), arrival, now);
          const winners = expectedWinners(submissions);
          for (let i = 0; i < arrival.length; i++) {
            const submission = arrival[i] as Submission & { customer: number };
            const winner = winners.get(submission.customer)!;
            const sameAsWinner = submissions.find((s) => s.id === winner)!;
            if (submission.id === winner)
              assert.notEqual(decisions[i].verdict, 'conflict', `${submission.id} was first`);
            else if (submission.partner !== sameAsWinner.partner)
              assert.equal(decisions[i].verdict, 'conflict', `${submission.id} came after ${winner}`);
          }
          const unprotected = new Set(decisions.flatMap((d, i) => (d.verdict === 'conflict' ? [] : [arrival[i].id])));
          for (const [customer, winner] of winners) {
            const protectedForCustomer = submissions.filter(
              (s) =>
                s.customer === customer &&
                unprotected.has(s.id) &&
                s.partner !== submissions.find((w) => w.id === winner)!.partner,
            );
            assert.deepEqual(protectedForCustomer, [], 'exactly one partner holds each customer');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes the customer back for a submission that arrives late but was submitted first', () => {
    const index = createConflictIndex();
    const late = {
      id: 'reg-b',
      customerName: 'Nordwind Logistik',
      partner: 'partner-b',
      submittedAt: '2026-11-26T09:05:00.000Z',
    };
    const early = {
      id: 'reg-a',
      customerName: 'NORDWIND LOGISTIK GMBH',
      partner: 'partner-a',
      submittedAt: '2026-11-26T09:00:00.000Z',
    };
    assert.equal(admitSubmission(index, late, now).decision.verdict, 'none');
    const outcome = admitSubmission(index, early, now);
    assert.equal(outcome.decision.verdict, 'none');
    assert.deepEqual(
      outcome.superseded.map((s) => [s.id, s.decision.verdict, s.decision.match?.id]),
      [['reg-b', 'conflict', 'reg-a']],
    );
    assert.match(outcome.superseded[0].decision.reasons[0], /submitted first/);
  });

  it('breaks a tie between simultaneous submissions by id, the same way every time', () => {
    const at = '2026-11-26T09:00:00.000Z';
    const one = { id: 'reg-1', customerName: 'Quintronex Analytics', partner: 'partner-a', submittedAt: at };
    const two = { id: 'reg-2', customerName: 'Quintronex Analytics Inc', partner: 'partner-b', submittedAt: at };
    for (const order of [
      [one, two],
      [two, one],
    ]) {
      const decisions = arbitrateSubmissions(createConflictIndex(), order, now);
      const byId = new Map(order.map((s, i) => [s.id, decisions[i].verdict]));
      assert.deepEqual([byId.get('reg-1'), byId.get('reg-2')], ['none', 'conflict']);
    }
  });
});
