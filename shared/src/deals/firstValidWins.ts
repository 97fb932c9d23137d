/**
 * First valid registration wins, even when submissions for one customer arrive together or out of order.
 * Order is the submission order (`submittedAt`, then id), never arrival order, so every server replaying
 * the same submissions reaches the same winners. A submission that arrives late but was submitted first
 * takes the customer back from the ones that arrived before it. For submissions that carry their own
 * `submittedAt` (from a CRM, a replay); the server stamps its own submissions and serializes their
 * writes, so there arrival order is submission order and the conflict check alone decides.
 */
import type { ConflictIndex } from './conflictIndex.ts';
import { checkConflict, removeRecord, scoreCandidates, upsertRecord } from './conflictIndex.ts';
import {
  compareSubmissionOrder,
  matchThresholds,
  prepareCustomer,
  type ConflictDecision,
  type ConflictSubject,
} from './conflicts.ts';

/** A valid, submitted registration as conflict detection sees it. */
export interface Submission extends ConflictSubject {
  partner: string;
  submittedAt: string;
}

export interface ArrivalOutcome {
  decision: ConflictDecision;
  /** Earlier arrivals this submission was submitted before, which now lose the customer to it. */
  superseded: { id: string; decision: ConflictDecision }[];
}

/**
 * Checks one arriving submission against the index, adds it as a submitted registration unless it is a
 * conflict, and reports the earlier-arrived, later-submitted registrations it pre-empts.
 */
export function admitSubmission(index: ConflictIndex, submission: Submission, now: string): ArrivalOutcome {
  const decision = checkConflict(index, submission, now);
  if (decision.verdict === 'conflict') return { decision, superseded: [] };
  const preempted = scoreCandidates(index, prepareCustomer(submission))
    .map((candidate) => ({ record: candidate.record, score: candidate.score }))
    .filter(
      ({ record, score }) =>
        record.kind === 'registration' &&
        (record.status === 'submitted' || record.status === 'in_review') &&
        record.partner !== submission.partner &&
        score >= matchThresholds.conflict &&
        compareSubmissionOrder(submission, record) < 0,
    );
  upsertRecord(index, { ...submission, kind: 'registration', status: 'submitted' });
  // Re-decide each pre-empted one with this submission among the known customers: the same rule names the winner.
  const superseded = preempted.map(({ record }) => ({ id: record.id, decision: checkConflict(index, record, now) }));
  for (const loser of superseded) {
    if (loser.decision.verdict === 'conflict') removeRecord(index, loser.id);
  }
  return { decision, superseded };
}

/**
 * Decides a batch of simultaneous submissions in submission order. Returns the decisions in the order
 * given; the index ends up holding every submission that was not a conflict.
 */
export function arbitrateSubmissions(
  index: ConflictIndex,
  submissions: readonly Submission[],
  now: string,
): ConflictDecision[] {
  const order = submissions.map((_, i) => i).sort((a, b) => compareSubmissionOrder(submissions[a], submissions[b]));
  const decisions = new Array<ConflictDecision>(submissions.length);
  for (const i of order) decisions[i] = admitSubmission(index, submissions[i], now).decision;
  return decisions;
}
