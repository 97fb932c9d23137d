/**
 * The audit log's table: every change, who made it, the object before and after. Written in the
 * change's own transaction (repository.ts auditChange, with the concepts' hooks), read by the channel
 * admin's audit-log route.
 */
import type { Actor } from '../auth/policy.ts';
import type { Tx } from './groupCommit.ts';
import { runPreparedRows } from './statements.ts';

/** An entry as the API shows it: `before` and `after` are the object as it was shown, parsed. */
export interface AuditLogEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorRole: string | null;
  object: string;
  recordId: string;
  action: string;
  before: unknown;
  after: unknown;
}

export interface AuditLogQuery {
  object?: string;
  recordId?: string;
  /** The newest entries first, this many of them. */
  limit: number;
}

/** Writes one entry (an actor of null, or a system actor, is audited as the system). */
export async function writeAuditEntry(
  tx: Tx,
  at: Date,
  actor: Actor | null,
  entry: { object: string; recordId: string; action: string; before: unknown; after: unknown },
): Promise<void> {
  const row = {
    at: at.toISOString(),
    actor_id: actor?.userId ?? null,
    actor_role: actor === null || actor.system ? 'system' : actor.role,
    object: entry.object,
    record_id: entry.recordId,
    action: entry.action,
    before: entry.before === null ? null : JSON.stringify(entry.before),
    after: entry.after === null ? null : JSON.stringify(entry.after),
  };
  await runPreparedRows(tx, 'audit', [row], (db, [values]) => db.insertInto('audit_log').values(values));
}

// SQLite gives the JSON text back, PostgreSQL (jsonb) the parsed value.
const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

export async function readAuditLog(tx: Tx, query: AuditLogQuery): Promise<AuditLogEntry[]> {
  let select = tx.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.object) select = select.where('object', '=', query.object);
  if (query.recordId) select = select.where('record_id', '=', query.recordId);
  const rows = await select.execute();
  return rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    object: row.object,
    recordId: row.record_id,
    action: row.action,
    before: parsed(row.before),
    after: parsed(row.after),
  }));
}
