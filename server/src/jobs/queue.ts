/**
 * Durable jobs: timers kept in the database, so they survive a restart. A due job is claimed with a
 * lease; its handler's writes and the job's completion commit in one transaction, so a job whose
 * handler committed never runs again, and one interrupted by a crash runs again once its lease ends.
 */
import { timeOrderedId } from '../store/ids.ts';
import type { Store } from '../store/database.ts';
import type { Tx } from '../store/repository.ts';
import { runPreparedRows } from '../store/statements.ts';

export interface Job {
  id: string;
  kind: string;
  runAt: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export type JobHandler = (tx: Tx, job: Job, now: Date) => Promise<void>;

export interface NewJob {
  kind: string;
  runAt: Date;
  payload: Record<string, unknown>;
  /** A job with the same key is not scheduled twice (e.g. `offer-timeout:<offerId>`). */
  dedupeKey?: string;
}

export const leaseSeconds = 60;
export const maxAttempts = 5;

export async function scheduleJob(tx: Tx, now: Date, job: NewJob): Promise<void> {
  await scheduleJobs(tx, now, [job]);
}

/** Several jobs in one statement (prepared per number of jobs: a registration schedules one). */
export async function scheduleJobs(tx: Tx, now: Date, jobs: NewJob[]): Promise<void> {
  if (!jobs.length) return;
  const rows = jobs.map((job) => ({
    id: timeOrderedId(),
    kind: job.kind,
    run_at: job.runAt.toISOString(),
    payload: JSON.stringify(job.payload),
    status: 'pending',
    attempts: 0,
    dedupe_key: job.dedupeKey ?? null,
    created_at: now.toISOString(),
  }));
  await runPreparedRows(tx, `schedule-jobs:${jobs.length}`, rows, (db, markers) =>
    db
      .insertInto('job')
      .values(markers)
      .onConflict((oc) => oc.column('dedupe_key').doNothing()),
  );
}

/** Claims due jobs (and jobs whose lease ran out) so no other runner takes them. */
export async function claimDueJobs(store: Store, now: Date, limit = 20): Promise<Job[]> {
  const at = now.toISOString();
  const leaseEnds = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  return store.db.transaction().execute(async (trx) => {
    let select = trx
      .selectFrom('job')
      .select('id')
      .where('run_at', '<=', at)
      .where((eb) =>
        eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('locked_until', '<', at)])]),
      )
      .orderBy('run_at')
      .limit(limit);
    if (store.dialect === 'postgres') select = select.forUpdate().skipLocked();
    const due = await select.execute();
    if (due.length === 0) return [];
    const rows = await trx
      .updateTable('job')
      .set((eb) => ({ status: 'running', locked_until: leaseEnds, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returningAll()
      .execute();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      runAt: new Date(row.run_at).toISOString(),
      payload: JSON.parse(row.payload),
      attempts: Number(row.attempts),
    }));
  });
}

/** Runs one claimed job: its writes and its completion commit together, or neither does. */
export async function runJob(
  store: Store,
  handlers: Record<string, JobHandler>,
  job: Job,
  now: Date,
): Promise<'done' | 'retry' | 'failed'> {
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new Error(`No handler for job kind "${job.kind}".`);
    await store.db.transaction().execute(async (trx) => {
      const tx = { db: trx, dialect: store.dialect, root: store.db };
      // Re-check inside the transaction that this runner still holds the job.
      const held = await trx.selectFrom('job').select('status').where('id', '=', job.id).executeTakeFirst();
      if (held?.status !== 'running') return;
      await handler(tx, job, now);
      await trx
        .updateTable('job')
        .set({ status: 'done', finished_at: now.toISOString(), locked_until: null })
        .where('id', '=', job.id)
        .execute();
    });
    return 'done';
  } catch (error) {
    const failed = job.attempts >= maxAttempts;
    // Exponential backoff: 30 s, 1 min, 2 min, ...
    const retryAt = new Date(now.getTime() + 30_000 * 2 ** (job.attempts - 1)).toISOString();
    await store.db
      .updateTable('job')
      .set({
        status: failed ? 'failed' : 'pending',
        run_at: failed ? job.runAt : retryAt,
        last_error: String((error as Error).message ?? error).slice(0, 2000),
        locked_until: null,
      })
      .where('id', '=', job.id)
      .execute();
    return failed ? 'failed' : 'retry';
  }
}

export interface JobRunner {
  /** Claims and runs everything due now; resolves with how many jobs ran. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startJobRunner(
  store: Store,
  handlers: Record<string, JobHandler>,
  now: () => Date,
  intervalMs = 1000,
): JobRunner {
  let running: Promise<number> | null = null;
  const tick = async (): Promise<number> => {
    if (running) return running;
    running = (async () => {
      let count = 0;
      for (;;) {
        const jobs = await claimDueJobs(store, now());
        if (jobs.length === 0) return count;
        for (const job of jobs) await runJob(store, handlers, job, now());
        count += jobs.length;
      }
    })();
    try {
      return await running;
    } finally {
      running = null;
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick().catch(() => undefined), intervalMs) : null;
  timer?.unref();
  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      if (running) await running.catch(() => undefined);
    },
  };
}
