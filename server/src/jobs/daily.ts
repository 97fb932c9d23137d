/**
 * Daily jobs (the tier evaluation, certification renewal reminders): each run schedules the next in
 * the same transaction as its work, so the chain survives restarts and a failed run is retried, not lost.
 */
import { DateTime } from 'luxon';
import type { Tx } from '../store/repository.ts';
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

/** A job that does `work` and schedules its own next run, a day later. */
export function daily(work: (tx: Tx, now: Date) => Promise<void>): JobHandler {
  return async (tx, job, now) => {
    await work(tx, now);
    await scheduleNext(tx, job, now);
  };
}
