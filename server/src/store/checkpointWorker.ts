/**
 * The embedded store's checkpoints, run on a thread of their own (store/checkpoints.ts starts it).
 * A checkpoint copies the write-ahead log's pages into the database file and waits for the disk
 * twice; SQLite's automatic one runs inside whichever commit crosses the threshold, on the thread that
 * answers requests, which then stalls for tens of milliseconds. Here a second connection to the same
 * file checkpoints in PASSIVE mode, which never waits for and never blocks the writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const database = new Database(file);
let timer: NodeJS.Timeout | undefined;

function checkpoint(): void {
  try {
    const [result] = database.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    parentPort!.postMessage({ kind: 'checkpointed', log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    // A checkpoint that fails (disk full, file gone) is tried again; the writer's own checkpoints remain
    // as the safety net, so nothing is lost either way.
    parentPort!.postMessage({ kind: 'failed', message: (error as Error).message });
  }
  timer = setTimeout(checkpoint, intervalMs);
}

parentPort!.on('message', (message: { kind: 'stop' }) => {
  if (message.kind !== 'stop') return;
  clearTimeout(timer);
  database.close();
  parentPort!.close();
});

timer = setTimeout(checkpoint, intervalMs);
