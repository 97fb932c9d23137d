/**
 * What else must happen, in the change's own transaction, when a change is audited: the store knows
 * no business, so the concepts that care register here at start-up (registerBusinessHooks in
 * server/src/businessHooks.ts): the webhook outbox for every object, the deals' known-customers lock for
 * the records the conflict check reads.
 */
import type { Tx } from './groupCommit.ts';

/** An audited change as the hooks see it. */
export interface AuditedChange {
  object: string;
  recordId: string;
  action: string;
  before: unknown;
  after: unknown;
  at: Date;
  /**
   * The record after the change (before it, for a deletion), when `after` is not the record: a notice's
   * audit entry keeps what it announces in `after`, and its event carries the record as it is. It may
   * be a function that reads it, so it is read only by a hook that needs it.
   */
  record?: unknown;
  /** What the change announces besides the record, each under its own name (`proposal`). */
  details?: Record<string, unknown>;
}

export type AuditHook = (tx: Tx, change: AuditedChange) => Promise<void>;

/**
 * `beforeEntry` runs before the audit entry is written (a lock that must order the entries' ids),
 * `afterEntry` after it.
 */
export interface AuditHooks {
  beforeEntry?: AuditHook;
  afterEntry?: AuditHook;
}

/** Every object's hooks under '*'. */
const registered = new Map<string, AuditHooks[]>();

/** Registers hooks for changes to the named objects ('*': every object); the same hooks twice count once. */
export function onAudit(objects: '*' | readonly string[], hooks: AuditHooks): void {
  for (const object of objects === '*' ? ['*'] : objects) {
    const list = registered.get(object) ?? [];
    if (!list.includes(hooks)) list.push(hooks);
    registered.set(object, list);
  }
}

function hooksOf(object: string): AuditHooks[] {
  if (registered.size === 0)
    // A store written without its hooks would lose webhook events silently; refuse loudly instead.
    throw new Error('No audit hooks are registered: call registerBusinessHooks() (server/src/businessHooks.ts).');
  return [...(registered.get(object) ?? []), ...(registered.get('*') ?? [])];
}

export async function beforeAuditEntry(tx: Tx, change: AuditedChange): Promise<void> {
  for (const hooks of hooksOf(change.object)) await hooks.beforeEntry?.(tx, change);
}

export async function afterAuditEntry(tx: Tx, change: AuditedChange): Promise<void> {
  for (const hooks of hooksOf(change.object)) await hooks.afterEntry?.(tx, change);
}
