/**
 * The known customers a registration is checked against, kept in the core's conflict index in memory and
 * brought up to date from the audit log before every check: the audit log records every committed
 * change in order, so reading it past the last entry seen is an exact change feed, whichever way the
 * record changed (API, action, import, job). One index per store.
 */
import { sql } from 'kysely';
import { createConflictIndex, removeRecord, upsertRecord, type ConflictIndex } from '@prm/core/deals/conflictIndex';
import { namedAccountAsKnown, registrationAsKnown, type KnownCustomerRecord } from '@prm/core/deals/conflicts';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { Tx } from '../store/repository.ts';
import { onTransactionFailure } from '../store/groupCommit.ts';
import { runPrepared } from '../store/statements.ts';
import type { Db } from '../store/database.ts';
import { fromRow, recordInAudit, recordOf } from '../store/records.ts';
import { knownCustomerObjects } from './knownCustomersLock.ts';

/** Registrations in these states hold (or claim) their customer. */
const holdingStatuses = ['submitted', 'in_review', 'approved', 'converted'];
const registrationObject = objectNamed(prmObjects, 'dealRegistration');
const namedAccountObject = objectNamed(prmObjects, 'namedAccount');

/** The index of one store and how far along the audit log it is. */
interface KnownCustomers {
  index: ConflictIndex;
  lastAuditId: number;
  loaded: boolean;
}

const knownCustomersOfStore = new WeakMap<Db, KnownCustomers>();

function knownCustomersOf(tx: Tx): KnownCustomers {
  const key = tx.root ?? tx.db;
  let known = knownCustomersOfStore.get(key);
  if (!known) {
    known = { index: createConflictIndex(), lastAuditId: 0, loaded: false };
    knownCustomersOfStore.set(key, known);
    // The index may have read a failed transaction's own entries; it is loaded again from the store.
    onTransactionFailure(key, () => knownCustomersOfStore.delete(key));
  }
  return known;
}

async function latestAuditId(tx: Tx): Promise<number> {
  const row = await tx.db
    .selectFrom('audit_log')
    .select(sql<number>`coalesce(max(id), 0)`.as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The customer a changed record holds, or null when it holds none (a registration no longer active). */
function knownAs(object: string, record: object): KnownCustomerRecord | null {
  if (object === namedAccountObject.name) return namedAccountAsKnown(recordOf(namedAccountObject, record));
  const registration = recordOf(registrationObject, record);
  return holdingStatuses.includes(registration.status) ? registrationAsKnown(registration) : null;
}

async function fullLoad(tx: Tx, known: KnownCustomers): Promise<void> {
  // Read the feed position first: whatever commits during the load is applied again by the next sync.
  known.lastAuditId = await latestAuditId(tx);
  known.index = createConflictIndex();
  const registrations = await tx.db
    .selectFrom('deal_registration')
    .selectAll()
    .where('status', 'in', holdingStatuses)
    .execute();
  for (const row of registrations) upsertRecord(known.index, registrationAsKnown(fromRow(registrationObject, row)));
  const accounts = await tx.db.selectFrom('named_account').selectAll().execute();
  for (const row of accounts) upsertRecord(known.index, namedAccountAsKnown(fromRow(namedAccountObject, row)));
  known.loaded = true;
}

/** The conflict index for this store, up to date with every committed change. */
export async function knownCustomers(tx: Tx): Promise<ConflictIndex> {
  const known = knownCustomersOf(tx);
  if (!known.loaded) {
    await fullLoad(tx, known);
    return known.index;
  }
  // A range of the primary key (cheap whatever the log's size); the record itself is read from the
  // entry's `after`, the record as that change left it, so catching up costs one statement.
  const { rows: changes } = await runPrepared(tx, 'conflict-feed', [known.lastAuditId], (db, [after]) =>
    db
      .selectFrom('audit_log')
      .select([
        'id',
        'object',
        'record_id',
        sql<unknown>`case when ${sql.ref('object')} in (${sql.join(knownCustomerObjects.map((name) => sql.lit(name)))}) then ${sql.ref('after')} end`.as(
          'after',
        ),
      ])
      .where('id', '>', after)
      .orderBy('id'),
  );
  // The latest state of each record changed since the last check (entries are in commit order).
  const latest = new Map<string, KnownCustomerRecord | null>();
  for (const change of changes) {
    known.lastAuditId = Math.max(known.lastAuditId, Number(change.id));
    const object = String(change.object);
    if (!knownCustomerObjects.includes(object)) continue;
    const entry = recordInAudit(change.after);
    // Entries that note something about a record without changing it (a reminder sent) carry no
    // record; a deletion carries none either, and has no `after` at all.
    if (entry === 'note') continue;
    latest.set(change.record_id, entry === 'deleted' ? null : knownAs(object, entry));
  }
  for (const [id, customer] of latest) {
    if (customer) upsertRecord(known.index, customer);
    else removeRecord(known.index, id);
  }
  return known.index;
}

/** Forget the index (tests, or after a restore): the next check loads it again from the store. */
export function forgetKnownCustomers(tx: Tx): void {
  knownCustomersOfStore.delete(tx.root ?? tx.db);
}
