/**
 * The program's daily jobs: the tier evaluation (proposals only, kept in the audit log for managers
 * to decide on) and certification renewal reminders. Each schedules its next run in the same
 * transaction as its work, so the chain survives restarts and a failed run is retried, not lost.
 */
import { DateTime } from 'luxon';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { renewalRemindersDue } from '@prm/core/enablement/certifications';
import { systemActor } from '../auth/policy.ts';
import { writeUpdate, type Tx } from '../store/repository.ts';
import { evaluateTiers, recordEvaluations } from '../actions/tiers.ts';
import { listAll } from '../actions/metrics.ts';
import { scheduleJob, type Job, type JobHandler } from './queue.ts';

/**
 * The next daily run after `job`: a day after it was due, skipping days already past, so a runner
 * that was down for a week runs once now rather than seven times in a row.
 */
export function nextDailyRun(job: Pick<Job, 'runAt'>, now: Date): Date {
  let next = DateTime.fromISO(job.runAt, { zone: 'utc' }).plus({ days: 1 });
  while (next.toMillis() <= now.getTime()) next = next.plus({ days: 1 });
  return next.toJSDate();
}

async function scheduleNext(tx: Tx, job: Job, now: Date): Promise<void> {
  const runAt = nextDailyRun(job, now);
  // One run per kind per day, however many runners or retries race to schedule it.
  await scheduleJob(tx, now, {
    kind: job.kind,
    runAt,
    payload: {},
    dedupeKey: `${job.kind}:${runAt.toISOString().slice(0, 10)}`,
  });
}

export const tierEvaluation: JobHandler = async (tx, job, now) => {
  await recordEvaluations(tx, now, await evaluateTiers(tx, now));
  await scheduleNext(tx, job, now);
};

export const certificationReminder: JobHandler = async (tx, job, now) => {
  const object = objectNamed(prmObjects, 'certification');
  const active = await listAll(tx, 'certification', { status: 'active' });
  for (const { certification } of renewalRemindersDue(active, now.toISOString())) {
    await writeUpdate(
      tx,
      now,
      systemActor('certification-reminder'),
      object,
      certification,
      certification.version,
      { renewalReminderSentAt: now.toISOString() },
      'renewal-reminder',
    );
  }
  await scheduleNext(tx, job, now);
};

export const programJobHandlers: Record<string, JobHandler> = {
  'tier-evaluation': tierEvaluation,
  'certification-reminder': certificationReminder,
};
