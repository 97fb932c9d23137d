/**
 * Background checkpoints for the embedded store: the writer's automatic checkpoint moves to a large
 * threshold (kept as a safety net, so the log stays bounded if the thread is ever gone) and a worker
 * thread checkpoints every `intervalMs` (store/checkpointWorker.ts).
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointStats {
  /** Checkpoints the thread has run. */
  runs: number;
  /** What the last one found: frames in the log, and how many of them are now in the database file. */
  last: { log: number; checkpointed: number } | null;
  lastError: string | null;
}

export interface BackgroundCheckpoints {
  stats: CheckpointStats;
  stop(): Promise<void>;
}

/** The writer's own checkpoint, in pages (about 40 MB of log): reached only if the thread stops keeping up. */
export const safetyNetPages = 10_000;

export function startBackgroundCheckpoints(
  database: Database.Database,
  file: string,
  intervalMs = 200,
): BackgroundCheckpoints {
  database.pragma(`wal_autocheckpoint = ${safetyNetPages}`);
  const stats: CheckpointStats = { runs: 0, last: null, lastError: null };
  const worker = new Worker(new URL('./checkpointWorker.ts', import.meta.url), {
    workerData: { file, intervalMs },
    // The process's own flags are not the thread's business (`--input-type` would even stop it loading).
    execArgv: [],
  });
  worker.on('message', (message: { kind: string; log?: number; checkpointed?: number; message?: string }) => {
    if (message.kind === 'checkpointed') {
      stats.runs++;
      stats.last = { log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 };
    } else if (message.kind === 'failed') stats.lastError = message.message ?? 'unknown';
  });
  worker.on('error', (error) => {
    stats.lastError = error.message;
    // Back to SQLite's own checkpoints, so the log stays small without the thread.
    database.pragma('wal_autocheckpoint = 1000');
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A store left open must not keep the process alive. After the listeners: adding a message listener
  // holds the worker's port open again.
  worker.unref();
  return {
    stats,
    async stop() {
      // Held open until the thread has closed its connection, so closing the store waits for it.
      worker.ref();
      worker.postMessage({ kind: 'stop' });
      await exited;
    },
  };
}
