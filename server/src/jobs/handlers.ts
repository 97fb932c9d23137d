/**
 * What each durable job does: every concept's handlers, from server/src/<concept>/jobs.ts (each
 * exports `jobHandlers`), so the queue and its runner know no business. Files still in
 * server/src/jobs/<name>Jobs.ts are read too while they move to their concept (their one export ends
 * in `JobHandlers`). Every handler calls the core's rules and writes through the repository, inside
 * the job's transaction.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobHandler } from './queue.ts';

type Handlers = Record<string, JobHandler>;

const sourceRoot = join(import.meta.dirname, '..');

function jobModules(root: string): string[] {
  const concepts = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'jobs.ts')))
    .map((entry) => join(root, entry.name, 'jobs.ts'));
  const waiting = readdirSync(join(root, 'jobs'))
    .filter((file) => file.endsWith('Jobs.ts'))
    .map((file) => join(root, 'jobs', file));
  return [...concepts, ...waiting].sort();
}

function handlersOf(module: Record<string, unknown>, file: string): Handlers {
  const name = 'jobHandlers' in module ? 'jobHandlers' : Object.keys(module).find((key) => key.endsWith('JobHandlers'));
  const handlers = name === undefined ? undefined : module[name];
  if (handlers === null || typeof handlers !== 'object')
    throw new Error(`server/src/${file} must export its job handlers as jobHandlers.`);
  return handlers as Handlers;
}

/** Every concept's job handlers by job kind; two concepts naming the same kind is a mistake, refused. */
export async function loadJobHandlers(root = sourceRoot): Promise<Handlers> {
  const all: Handlers = {};
  for (const path of jobModules(root)) {
    const file = relative(root, path);
    for (const [kind, handler] of Object.entries(handlersOf(await import(path), file))) {
      if (kind in all) throw new Error(`The job kind ${kind} is handled twice (again in server/src/${file}).`);
      all[kind] = handler;
    }
  }
  return all;
}

export const jobHandlers: Handlers = await loadJobHandlers();
