/** The review of an application: submitted → in review → accepted or rejected; withdrawn by the applicant before a decision. */
import type { PartnerApplication } from '../generated/types.ts';
import { TransitionError, ValidationError } from '../errors.ts';

export type ReviewedApplication = Pick<
  PartnerApplication,
  'status' | 'fitScore' | 'reviewedBy' | 'reviewedAt' | 'decisionReason'
>;

export function startReview<A extends ReviewedApplication>(application: A, reviewer: string, now: string): A {
  if (application.status !== 'submitted')
    throw new TransitionError(
      application.status,
      'in_review',
      'only a submitted application can be taken into review.',
    );
  return { ...application, status: 'in_review', reviewedBy: reviewer, reviewedAt: now };
}

export interface ApplicationDecision {
  verdict: 'accept' | 'reject';
  reviewer: string;
  reason?: string;
}

/**
 * Accepting an application scoring below the program's minimum is allowed, but the reviewer must say
 * why: the score advises, a person decides. Rejections always carry a reason the applicant will read.
 */
export function decideApplication<A extends ReviewedApplication>(
  application: A,
  decision: ApplicationDecision,
  minimumFitScore: number,
  now: string,
): A {
  const to = decision.verdict === 'accept' ? 'accepted' : 'rejected';
  if (application.status !== 'in_review')
    throw new TransitionError(application.status, to, 'take the application into review first.');
  const reason = decision.reason?.trim() ?? '';
  if (decision.verdict === 'reject' && !reason) {
    throw new ValidationError([
      { field: 'decisionReason', message: 'Tell the applicant why the application is rejected.' },
    ]);
  }
  if (decision.verdict === 'accept' && (application.fitScore ?? 0) < minimumFitScore && !reason) {
    throw new ValidationError([
      {
        field: 'decisionReason',
        message: `The fit score ${application.fitScore ?? 'is missing and'} is below ${minimumFitScore}; say why you accept anyway.`,
      },
    ]);
  }
  return { ...application, status: to, reviewedBy: decision.reviewer, reviewedAt: now, decisionReason: reason || null };
}

export function withdrawApplication<A extends ReviewedApplication>(application: A): A {
  if (application.status !== 'submitted' && application.status !== 'in_review') {
    throw new TransitionError(application.status, 'withdrawn', 'the application was already decided.');
  }
  return { ...application, status: 'withdrawn' };
}
