/**
 * Recording a course completion on an enrollment, from the portal or from an LMS statement. Statements
 * may arrive twice or out of order, so recording is idempotent by statement id and a completed enrollment
 * is never reopened by a later failure.
 */
import type { Course, Enrollment, PartnerContact } from '../generated/types.ts';
import { TransitionError, ValidationError } from '../errors.ts';
import { isCompletionVerb, learnerEmail, verbs, type XapiStatement } from './xapi.ts';

export type EnrollmentRecord = Pick<
  Enrollment,
  'partner' | 'partnerContact' | 'course' | 'status' | 'completedAt' | 'score' | 'completionSource' | 'statementId'
>;
export type CourseRules = Pick<
  Course,
  'id' | 'activityIri' | 'passingScore' | 'grantsCertification' | 'certificationValidMonths'
>;

export interface Outcome {
  result: 'completed' | 'failed';
  /** Percent 0–100, when the statement or portal gave a score. */
  score: number | null;
}

/** What a statement says about the learner, judged against the course's passing score. */
export function outcomeOf(statement: XapiStatement, course: CourseRules): Outcome | { ignored: string } {
  const verb = statement.verb.id;
  if (!isCompletionVerb(verb)) {
    return { ignored: `Verb ${verb} does not complete or fail a course.` };
  }
  const scaled = statement.result?.score?.scaled;
  const raw = statement.result?.score;
  const score =
    scaled !== undefined
      ? Math.round(Math.max(0, scaled) * 100)
      : raw?.raw !== undefined && raw.max !== undefined && raw.max > (raw.min ?? 0)
        ? Math.round(((raw.raw - (raw.min ?? 0)) / (raw.max - (raw.min ?? 0))) * 100)
        : null;
  const failed =
    verb === verbs.failed ||
    statement.result?.success === false ||
    statement.result?.completion === false ||
    (course.passingScore !== null && score !== null && score < course.passingScore);
  return { result: failed ? 'failed' : 'completed', score };
}

export function findLearner(
  statement: XapiStatement,
  contacts: readonly Pick<PartnerContact, 'id' | 'email' | 'partner'>[],
) {
  const email = learnerEmail(statement);
  const accountName = statement.actor.account?.name.toLowerCase();
  return contacts.find((contact) => {
    const address = contact.email?.toLowerCase();
    return address !== undefined && (address === email || address === accountName);
  });
}

export function recordLmsStatement<E extends EnrollmentRecord>(
  enrollment: E,
  statement: XapiStatement,
  course: CourseRules,
  now: string,
): E {
  if (statement.id === undefined) {
    throw new ValidationError([
      { field: 'id', message: 'The statement has no id; without one a resend would be counted twice.' },
    ]);
  }
  if (enrollment.statementId === statement.id) return enrollment;
  const outcome = outcomeOf(statement, course);
  // Progress statements (experienced, attempted, ...) are routine LMS traffic, so they are skipped before the course check.
  if ('ignored' in outcome) return enrollment;
  if (statement.object.id !== course.activityIri) {
    throw new ValidationError([
      {
        field: 'object.id',
        message: `The statement is about ${statement.object.id}, not this course (${course.activityIri}).`,
      },
    ]);
  }
  return applyOutcome(enrollment, outcome, {
    source: 'lms',
    statementId: statement.id,
    at: statement.timestamp ?? now,
  });
}

export function completeInPortal<E extends EnrollmentRecord>(
  enrollment: E,
  course: CourseRules,
  score: number | null,
  now: string,
): E {
  const failed = course.passingScore !== null && score !== null && score < course.passingScore;
  return applyOutcome(
    enrollment,
    { result: failed ? 'failed' : 'completed', score },
    { source: 'portal', statementId: null, at: now },
  );
}

function applyOutcome<E extends EnrollmentRecord>(
  enrollment: E,
  outcome: Outcome,
  from: { source: 'lms' | 'portal'; statementId: string | null; at: string },
): E {
  if (enrollment.status === 'withdrawn')
    throw new TransitionError('withdrawn', outcome.result, 'the learner withdrew from the course.');
  if (enrollment.status === 'completed') return enrollment;
  return {
    ...enrollment,
    status: outcome.result,
    completedAt: outcome.result === 'completed' ? from.at : null,
    score: outcome.score,
    completionSource: from.source,
    statementId: from.statementId ?? enrollment.statementId,
  };
}
