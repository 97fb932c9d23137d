/**
 * Business actions (approve a registration, accept a lead, pay a claim) as declarations: the object,
 * the roles that may perform it, the body it takes, and what it does. One route handler serves them
 * all, so every action gets the same sign-in, role check, record scope, body validation, transaction,
 * version check and audit entry. Each concept keeps its actions in server/src/<concept>/actions.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import type { Role } from '@prm/core/schema/roles';
import { roleDefinitions } from '@prm/core/schema/roles';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import { problemsOf, type ObjectName } from '@prm/core/schema/validate';
import { ForbiddenError, type Actor } from '../auth/policy.ts';
import type { PrmRecord, RecordOf } from '../store/records.ts';
import type { Tx } from '../store/repository.ts';

export interface ActionContext {
  tx: Tx;
  actor: Actor;
  now: Date;
}

interface ActionBase<Body, Name extends string> {
  /** The PRM object the action belongs to. */
  object: Name;
  /** The last URL segment: POST /api/<collection>/:id/<name>. */
  name: string;
  summary: string;
  /** Who may perform it. Partner users only ever act on their own partner's records. */
  roles: readonly Role[];
  body?: z.ZodType<Body>;
  /**
   * The body's name for a field the rules name as stored (`typedName` is stored as `signedByName`):
   * the rules' problems are answered under the body's name, the one the client can correct.
   */
  bodyFields?: Readonly<Record<string, string>>;
}

export interface RecordAction<Body = unknown, Name extends string = string> extends ActionBase<Body, Name> {
  on: 'record';
  /**
   * Changes to write on the record (checked against its version, audited), and what else to answer:
   * the answer is `{ record, ...result }`.
   */
  run(
    context: ActionContext,
    record: RecordOf<Name>,
    body: Body,
  ): Promise<{ changes: Record<string, unknown>; result?: object }>;
}

export interface CollectionAction<Body = unknown, Name extends string = string> extends ActionBase<Body, Name> {
  on: 'collection';
  method: 'GET' | 'POST';
  /**
   * Open to anyone without signing in (the partner application form). It then runs as the system
   * actor below, so its writes are audited as such; it must validate everything it takes.
   */
  public?: boolean;
  /**
   * The action creates a record of its object: it answers 201 with Location and ETag, as a create
   * does, and `run` returns `{ record, ...extras }` (the handler redacts the record for the caller; a
   * public action returns the record already cut to what the public may see).
   */
  creates?: boolean;
  /** For GET actions, the body is the query string. */
  run(context: ActionContext, body: Body): Promise<unknown>;
}

/** What a creating action's run returns: the new record and anything else the caller should learn. */
export type Created = { record: PrmRecord } & Record<string, unknown>;

export type ActionDefinition = RecordAction<any, any> | CollectionAction<any, any>;

/** Declared on a PRM object by its name, the action is given that object's typed record. */
export function recordAction<Body, const Name extends ObjectName>(
  action: Omit<RecordAction<Body, Name>, 'on'>,
): RecordAction<Body, Name> {
  return { ...action, on: 'record' };
}

export function collectionAction<Body, const Name extends ObjectName>(
  action: Omit<CollectionAction<Body, Name>, 'on'>,
): CollectionAction<Body, Name> {
  return { ...action, on: 'collection' };
}

export function requireRole(actor: Actor, action: ActionDefinition): void {
  if (!action.roles.includes(actor.role)) {
    const object = objectNamed(prmObjects, action.object);
    throw new ForbiddenError(
      `A ${roleDefinitions[actor.role].label} may not ${action.name} ${object.pluralLabel.toLowerCase()}.`,
    );
  }
}

export function parseBody<Body>(action: ActionDefinition, input: unknown): Body {
  if (!action.body) return (input ?? {}) as Body;
  const result = action.body.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(problemsOf(result.error, input));
  return result.data as Body;
}

/** Runs an action so that its problems name the fields of its own body (see `bodyFields`). */
export async function inBodyTerms<T>(action: ActionDefinition, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const renamed = action.bodyFields;
    if (!(error instanceof ValidationError) || !renamed) throw error;
    throw new ValidationError(
      error.problems.map((problem) => ({ ...problem, field: renamed[problem.field] ?? problem.field })),
    );
  }
}

/**
 * The files declaring actions: server/src/<concept>/actions.ts, in the order of the concepts' names,
 * so the routes and the OpenAPI document keep one order.
 */
function actionModules(root: string): string[] {
  const modules: { concept: string; path: string }[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name, 'actions.ts');
    // This file declares what an action is, no action of its own.
    if (entry.isDirectory() && path !== import.meta.filename && existsSync(path))
      modules.push({ concept: entry.name, path });
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  modules.sort((a, b) => compare(a.concept, b.concept) || compare(a.path, b.path));
  return modules.map((module) => module.path);
}

/** Every action of every concept (each file exports `actions`). */
export async function loadActions(root = join(import.meta.dirname, '..')): Promise<ActionDefinition[]> {
  const all: ActionDefinition[] = [];
  for (const path of actionModules(root)) {
    const module = (await import(path)) as { actions?: ActionDefinition[] };
    if (!Array.isArray(module.actions))
      throw new Error(`server/src/${relative(root, path)} must export an array named actions.`);
    all.push(...module.actions);
  }
  return all;
}
