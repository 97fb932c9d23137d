/** The daily certification renewal reminders: one per threshold crossed, never two for the same one. */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { renewalRemindersDue } from '@prm/core/enablement/certifications';
import { systemActor } from '../auth/policy.ts';
import { writeUpdate } from '../store/repository.ts';
import { listAll } from '../store/allRecords.ts';
import { daily } from '../jobs/daily.ts';
import type { JobHandler } from '../jobs/queue.ts';

export const jobHandlers: Record<string, JobHandler> = {
  'certification-reminder': daily(async (tx, now) => {
    const active = await listAll(tx, 'certification', { status: 'active' });
    for (const { certification } of renewalRemindersDue(active, now.toISOString())) {
      await writeUpdate(
        tx,
        now,
        systemActor('certification-reminder'),
        objectNamed(prmObjects, 'certification'),
        certification,
        certification.version,
        { renewalReminderSentAt: now.toISOString() },
        'renewal-reminder',
      );
    }
  }),
};
