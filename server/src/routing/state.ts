/**
 * The fairness state of a program's lead distribution (the core's RoutingState: weighted credits,
 * round-robin positions, open offers and period counts), kept as JSON in `routing_state`, one row per
 * program. A decision reads it, changes it and writes it back in its own transaction, under a lock
 * per program, so two decisions never start from the same state and no share is handed out twice.
 */
import { sql } from 'kysely';
import type { CompiledRouting } from '@prm/core/routing/compile';
import { alignState, initialRoutingState, type RoutingState } from '@prm/core/routing/state';
import type { Tx } from '../store/repository.ts';

/** An arbitrary constant naming lead routing among the database's advisory locks (see deals/knownCustomersLock.ts). */
const leadRoutingLock = 727_002;

/**
 * Serializes routing decisions of one program until the transaction ends. SQLite serializes all
 * writes already; PostgreSQL takes a transaction-scoped advisory lock keyed by the program, so
 * programs (which share no state) do not wait for each other. A hash collision only waits needlessly.
 */
export async function lockProgramRouting(tx: Tx, programId: string): Promise<void> {
  if (tx.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${leadRoutingLock}, hashtext(${programId}))`.execute(tx.db);
}

async function readState(tx: Tx, programId: string): Promise<RoutingState | null> {
  const row = await tx.db
    .selectFrom('routing_state')
    .select('state')
    .where('program_id', '=', programId)
    .executeTakeFirst();
  if (!row) return null;
  // SQLite keeps the JSON as text; PostgreSQL's jsonb arrives parsed.
  return (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as RoutingState;
}

/** The program's state aligned with the partner list now compiled (partners new to it start fresh). */
export async function loadRoutingState(tx: Tx, programId: string, compiled: CompiledRouting): Promise<RoutingState> {
  const stored = await readState(tx, programId);
  return stored ? alignState(stored, compiled) : initialRoutingState(compiled.ids);
}

/**
 * The state as stored, for steps that only free capacity by partner id (accepting an offer) and so
 * need no compiled chain: a configuration problem in the rules must not stop a partner accepting.
 */
export async function loadRawRoutingState(tx: Tx, programId: string): Promise<RoutingState> {
  return (await readState(tx, programId)) ?? initialRoutingState([]);
}

export async function saveRoutingState(tx: Tx, now: Date, programId: string, state: RoutingState): Promise<void> {
  const values = { program_id: programId, state: JSON.stringify(state), updated_at: now.toISOString() };
  await tx.db
    .insertInto('routing_state')
    .values(values)
    .onConflict((oc) => oc.column('program_id').doUpdateSet({ state: values.state, updated_at: values.updated_at }))
    .execute();
}
