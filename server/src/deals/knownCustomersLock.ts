/**
 * Writes to the known customers (registrations, named accounts: the records the conflict check reads)
 * are serialized, so the audit log's ids for them are assigned in commit order and the conflict
 * index's change feed never skips one. SQLite serializes all writes already; PostgreSQL takes a
 * transaction-scoped advisory lock, before the change's audit entry is written
 * (registerKnownCustomersLock).
 */
import { sql } from 'kysely';
import type { Tx } from '../store/groupCommit.ts';
import { onAudit } from '../store/auditHooks.ts';

/** The objects whose records are known customers, fed to the conflict index (knownCustomers.ts). */
export const knownCustomerObjects = ['dealRegistration', 'namedAccount'];

/** An arbitrary constant naming this lock among the database's advisory locks. */
const knownCustomersLock = 727_001;

export async function lockKnownCustomers(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${knownCustomersLock})`.execute(tx.db);
}

const knownCustomersLockHooks = { beforeEntry: lockKnownCustomers };

export function registerKnownCustomersLock(): void {
  onAudit(knownCustomerObjects, knownCustomersLockHooks);
}
