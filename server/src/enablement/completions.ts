/**
 * A course completed in the portal. The completion rules (passing score, a completed enrollment never
 * reopened, a withdrawn one never completed) are the core's; completing a course that grants a
 * certification creates the certification in the same transaction.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import { completeInPortal } from '@prm/core/enablement/completions';
import { certificationEarned } from '@prm/core/enablement/certifications';
import type { ActionContext } from '../http/actions.ts';
import { systemActor } from '../auth/policy.ts';
import { createRecord, findRecord } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';

/** The enrollment's changes, and the certification it earned (null when none, or completed before). */
export async function completeEnrollment(
  { tx, now }: ActionContext,
  enrollment: RecordOf<'enrollment'>,
  score: number | null,
) {
  const course = await findRecord(tx, objectNamed(prmObjects, 'course'), enrollment.course);
  if (!course) throw new ValidationError([{ field: 'course', message: 'must refer to an existing course' }]);
  const completed = completeInPortal(enrollment, course, score, now.toISOString());
  // Completing twice is a no-op in the core; it must not grant a second certification either.
  if (completed === enrollment) return { changes: {}, result: { certification: null } };
  const earned = certificationEarned(completed, course);
  // The certification is the program's to grant, so it is created on the program's account: partner
  // users may read certifications but never write one themselves.
  const certification = earned
    ? await createRecord(tx, now, systemActor('certification-grant'), objectNamed(prmObjects, 'certification'), {
        ...earned,
      })
    : null;
  return {
    changes: {
      status: completed.status,
      completedAt: completed.completedAt,
      score: completed.score,
      completionSource: completed.completionSource,
    },
    result: { certification },
  };
}
