/**
 * One statement from an LMS, end to end: validate it, find the course by its activity IRI, the learner
 * by mailbox or account name and their enrollment, record the outcome, and issue the certification the
 * course grants. Anything that cannot be placed is rejected with the property at fault, so the LMS
 * feed can be fixed rather than silently losing completions.
 */
import type { PartnerContact } from '../generated/types.ts';
import type { FieldProblem } from '../errors.ts';
import { isCompletionVerb, parseStatement } from './xapi.ts';
import { findLearner, outcomeOf, recordLmsStatement, type CourseRules, type EnrollmentRecord } from './completions.ts';
import { certificationEarned, type CertificationRecord } from './certifications.ts';

export interface LmsContext<E extends EnrollmentRecord> {
  courses: readonly CourseRules[];
  contacts: readonly Pick<PartnerContact, 'id' | 'email' | 'partner'>[];
  enrollments: readonly E[];
}

export type IngestResult<E> =
  | { outcome: 'recorded'; enrollment: E; certification: CertificationRecord | null }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'rejected'; problems: FieldProblem[] };

export function ingestStatement<E extends EnrollmentRecord>(
  json: unknown,
  context: LmsContext<E>,
  now: string,
): IngestResult<E> {
  const parsed = parseStatement(json);
  if (!parsed.ok) return { outcome: 'rejected', problems: parsed.problems };
  const statement = parsed.statement;
  if (statement.id === undefined) {
    return {
      outcome: 'rejected',
      problems: [{ field: 'id', message: 'The statement has no id; without one a resend would be counted twice.' }],
    };
  }
  // Progress statements (experienced, attempted, ...) about modules are routine traffic, not errors.
  if (!isCompletionVerb(statement.verb.id))
    return { outcome: 'ignored', reason: `Verb ${statement.verb.id} does not complete or fail a course.` };
  const course = context.courses.find((c) => c.activityIri === statement.object.id);
  if (course === undefined)
    return {
      outcome: 'rejected',
      problems: [{ field: 'object.id', message: `No course has the activity IRI ${statement.object.id}.` }],
    };
  const verdict = outcomeOf(statement, course);
  if ('ignored' in verdict) return { outcome: 'ignored', reason: verdict.ignored };
  const learner = findLearner(statement, context.contacts);
  if (learner === undefined)
    return {
      outcome: 'rejected',
      problems: [{ field: 'actor', message: 'The actor matches no partner user by mailbox or account name.' }],
    };
  const enrollment = context.enrollments.find((e) => e.partnerContact === learner.id && e.course === course.id);
  if (enrollment === undefined) {
    return {
      outcome: 'rejected',
      problems: [
        { field: 'actor', message: `${learner.email} is not enrolled in course ${course.id}; enroll them first.` },
      ],
    };
  }
  const recorded = recordLmsStatement(enrollment, statement, course, now);
  const newlyCompleted = enrollment.status !== 'completed' && recorded.status === 'completed';
  return {
    outcome: 'recorded',
    enrollment: recorded,
    certification: newlyCompleted ? certificationEarned(recorded, course) : null,
  };
}
