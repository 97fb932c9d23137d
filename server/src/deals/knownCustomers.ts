/**
 * The known world a registration is checked against, kept in the core's conflict index in memory and
 * brought up to date from the audit log before every check: the audit log records every committed
 * change in order, so reading it past the last entry seen is an exact change feed, whichever way the
 * record changed (API, action, import, job). One index per store.
 */
import { sql } from 'kysely';
import { createConflictIndex, removeRecord, upsertRecord, type ConflictIndex } from '@prm/core/deals/conflictIndex';
import type { KnownCustomerRecord } from '@prm/core/deals/conflicts';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { DealRegistration, NamedAccount } from '@prm/core/generated/types';
import type { Tx } from '../store/repository.ts';
import { onTransactionFailure } from '../store/groupCommit.ts';
import { runPrepared } from '../store/statements.ts';
import type { Db } from '../store/database.ts';
import { fromRow, recordInAudit, recordOf } from '../store/records.ts';
import { serializedObjects } from './customerLock.ts';

/** Registrations in these states hold (or claim) their customer. */
const holdingStatuses = ['submitted', 'in_review', 'approved', 'converted'];
/** Their writes are serialized (customerLock.ts), so audit ids for them arrive in commit order. */
const watched = serializedObjects;
const registrationObject = objectNamed(prmObjects, 'dealRegistration');
const namedAccountObject = objectNamed(prmObjects, 'namedAccount');

export function registrationAsKnown(registration: DealRegistration): KnownCustomerRecord {
  return {
    id: registration.id,
    kind: 'registration',
    customerName: registration.customerName,
    customerDomain: registration.customerDomain,
    customerContactEmail: registration.customerContactEmail,
    customerCountry: registration.customerCountry,
    partner: registration.partner,
    status: registration.status,
    submittedAt: registration.submittedAt,
    protectionEndsAt: registration.protectionEndsAt,
  };
}

export function namedAccountAsKnown(account: NamedAccount): KnownCustomerRecord {
  return {
    id: account.id,
    kind: 'namedAccount',
    customerName: account.name,
    customerDomain: account.customerDomain ?? account.website,
    customerCountry: account.country,
    reservedUntil: account.reservedUntil,
    accountOwner: account.accountOwner,
  };
}

interface World {
  index: ConflictIndex;
  lastAuditId: number;
  loaded: boolean;
}

const worlds = new WeakMap<Db, World>();

function worldOf(tx: Tx): World {
  const key = tx.root ?? tx.db;
  let world = worlds.get(key);
  if (!world) {
    world = { index: createConflictIndex(), lastAuditId: 0, loaded: false };
    worlds.set(key, world);
    // The index may have read a failed transaction's own entries; it is loaded again from the store.
    onTransactionFailure(key, () => worlds.delete(key));
  }
  return world;
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

async function fullLoad(tx: Tx, world: World): Promise<void> {
  // Read the feed position first: whatever commits during the load is applied again by the next sync.
  world.lastAuditId = await latestAuditId(tx);
  world.index = createConflictIndex();
  const registrations = await tx.db
    .selectFrom('deal_registration')
    .selectAll()
    .where('status', 'in', holdingStatuses)
    .execute();
  for (const row of registrations) upsertRecord(world.index, registrationAsKnown(fromRow(registrationObject, row)));
  const accounts = await tx.db.selectFrom('named_account').selectAll().execute();
  for (const row of accounts) upsertRecord(world.index, namedAccountAsKnown(fromRow(namedAccountObject, row)));
  world.loaded = true;
}

/** The conflict index for this store, up to date with every committed change. */
export async function knownCustomers(tx: Tx): Promise<ConflictIndex> {
  const world = worldOf(tx);
  if (!world.loaded) {
    await fullLoad(tx, world);
    return world.index;
  }
  // A range of the primary key (cheap whatever the log's size); the record itself is read from the
  // entry's `after`, the record as that change left it, so catching up costs one statement.
  const { rows: changes } = await runPrepared(tx, 'conflict-feed', [world.lastAuditId], (db, [after]) =>
    db
      .selectFrom('audit_log')
      .select([
        'id',
        'object',
        'record_id',
        sql<unknown>`case when ${sql.ref('object')} in (${sql.join(watched.map((name) => sql.lit(name)))}) then ${sql.ref('after')} end`.as(
          'after',
        ),
      ])
      .where('id', '>', after)
      .orderBy('id'),
  );
  // The latest state of each record changed since the last check (entries are in commit order).
  const latest = new Map<string, KnownCustomerRecord | null>();
  for (const change of changes) {
    world.lastAuditId = Math.max(world.lastAuditId, Number(change.id));
    const object = String(change.object);
    if (!watched.includes(object)) continue;
    const entry = recordInAudit(change.after);
    // Entries that note something about a record without changing it (a reminder sent) carry no
    // record; a deletion carries none either, and has no `after` at all.
    if (entry === 'note') continue;
    latest.set(change.record_id, entry === 'deleted' ? null : knownAs(object, entry));
  }
  for (const [id, known] of latest) {
    if (known) upsertRecord(world.index, known);
    else removeRecord(world.index, id);
  }
  return world.index;
}

/** Forget the index (tests, or after a restore): the next check loads it again from the store. */
export function forgetKnownCustomers(tx: Tx): void {
  worlds.delete(tx.root ?? tx.db);
}
