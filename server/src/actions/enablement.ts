/**
 * Enablement actions: completing a course in the portal. The completion rules (passing score, a
 * completed enrollment never reopened, a withdrawn one never completed) are the core's; completing a
 * course that grants a certification creates the certification in the same transaction.
 */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { ObjectName } from '@prm/core/schema/validate';
import { ValidationError } from '@prm/core/errors';
import { completeInPortal } from '@prm/core/enablement/completions';
import { certificationEarned } from '@prm/core/enablement/certifications';
import { recordAction } from '../http/actions.ts';
import { createRecord, findRecord } from '../store/repository.ts';
import { systemActor } from '../auth/policy.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);

export const actions = [
  recordAction({
    object: 'enrollment',
    name: 'complete',
    summary: 'Record the learner’s completion in the portal, with their score; grants the course’s certification',
    roles: ['partnerRep', 'partnerAdmin', 'channelManager', 'channelAdmin'],
    body: z.strictObject({
      score: z.number('must be a number from 0 to 100').min(0).max(100).nullable().optional(),
    }),
    async run({ tx, now }, enrollment, body) {
      const course = await findRecord(tx, object('course'), enrollment.course);
      if (!course) throw new ValidationError([{ field: 'course', message: 'must refer to an existing course' }]);
      const completed = completeInPortal(enrollment, course, body.score ?? null, now.toISOString());
      // Completing twice is a no-op in the core; it must not grant a second certification either.
      if (completed === enrollment) return { changes: {}, result: { certification: null } };
      const earned = certificationEarned(completed, course);
      // The certification is the program's to grant, so it is created with the rules' rights: partner
      // users may read certifications but never write one themselves.
      const certification = earned
        ? await createRecord(tx, now, systemActor('certification-grant'), object('certification'), { ...earned })
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
    },
  }),
];
