/**
 * Writes to the records the conflict check reads (registrations, named accounts) are serialized, so
 * the audit log's ids for them are assigned in commit order and the conflict index's change feed never
 * skips one. SQLite serializes all writes already; PostgreSQL takes a transaction-scoped advisory lock,
 * before the change's audit entry is written (registerCustomerLock).
 */
import { sql } from 'kysely';
import type { Tx } from '../store/groupCommit.ts';
import { onAudit } from '../store/auditHooks.ts';

export const serializedObjects = ['dealRegistration', 'namedAccount'];

/** An arbitrary constant naming this lock among the database's advisory locks. */
const customerWorldLock = 727_001;

export async function lockCustomerWorld(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${customerWorldLock})`.execute(tx.db);
}

const customerLockHooks = { beforeEntry: lockCustomerWorld };

export function registerCustomerLock(): void {
  onAudit(serializedObjects, customerLockHooks);
}
