/**
 * What each durable job does: every concept's handlers, from server/src/<concept>/jobs.ts (each
 * exports `jobHandlers`), so the queue and its runner know no business. Every handler calls the core's rules and writes through the repository, inside
 * the job's transaction.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobHandler } from './queue.ts';

type Handlers = Record<string, JobHandler>;

const sourceRoot = join(import.meta.dirname, '..');

function jobModules(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'jobs.ts')))
    .map((entry) => join(root, entry.name, 'jobs.ts'))
    .sort();
}

function handlersOf(module: Record<string, unknown>, file: string): Handlers {
  const handlers = module.jobHandlers;
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
