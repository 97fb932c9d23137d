/**
 * Writes to the records the conflict check reads (registrations, named accounts) are serialized, so
 * the audit log's ids for them are assigned in commit order and the conflict index's change feed never
 * skips one. SQLite serializes all writes already; PostgreSQL takes a transaction-scoped advisory lock.
 */
import { sql } from 'kysely';
import type { Tx } from './repository.ts';

export const serializedObjects = ['dealRegistration', 'namedAccount'];

/** An arbitrary constant naming this lock among the database's advisory locks. */
const customerWorldLock = 727_001;

export async function lockCustomerWorld(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${customerWorldLock})`.execute(tx.db);
}
