/**
 * Reading and writing PRM records for a signed-in person: scope, field access, validation, optimistic
 * concurrency, auto-numbered names and the audit log, the same for every object and both stores.
 * Business actions (submit a registration, accept a lead) build on these inside one transaction.
 */
import type { SelectQueryBuilder } from 'kysely';
import { timeOrderedId } from './ids.ts';
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { sqlTableName } from '@prm/core/hosts/sql';
import { validateInput, type ObjectName } from '@prm/core/schema/validate';
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import {
  checkWritableFields,
  isPartnerUser,
  mayOperate,
  recordInScope,
  requireOwnPartner,
  requireOperation,
  rowScope,
  type Actor,
  type RowScope,
} from '../auth/policy.ts';
import type { Store } from './database.ts';
import type { Dialect } from './migrate.ts';
import type { Tx } from './groupCommit.ts';
export type { Tx } from './groupCommit.ts';
import {
  columnFor,
  fromRow,
  recordTables,
  toRow,
  withDefaults,
  type PrmRecord,
  type RecordOf,
  type StoredRecord,
  type Row,
} from './records.ts';
import { runPrepared } from './statements.ts';
import { checkBeforeWrite } from './recordChecks.ts';
import { checkParentPartners, partnerFromParents } from './parentPartners.ts';
import { afterAuditEntry, beforeAuditEntry, type AuditedChange } from './auditHooks.ts';
import { writeAuditEntry } from './auditLog.ts';
import { nextName } from './autoNumbers.ts';
import { afterPosition, orderedBy, readCursor, writeCursor, type ListSort } from './listCursor.ts';
export type { ListSort } from './listCursor.ts';

export interface Context {
  store: Store;
  now: () => Date;
}

/**
 * Nothing by that id or name exists where the caller may look: a record (out of their scope or not at
 * all), or a setting kept beside the records (a webhook subscription, an intake sender).
 */
export class NotFoundError extends Error {
  /** What the problem's title says: "Not found" for a record, "No such sender" for a setting. */
  readonly title: string;
  constructor(object: PrmObject, id: string);
  constructor(title: string, detail: string);
  constructor(what: PrmObject | string, idOrDetail: string) {
    super(
      typeof what === 'string'
        ? idOrDetail
        : `No ${what.label.toLowerCase()} with id ${idOrDetail} exists, or you may not see it.`,
    );
    this.name = 'NotFoundError';
    this.title = typeof what === 'string' ? what : 'Not found';
  }
}

/** The record changed since the caller read it (optimistic concurrency). */
export class VersionConflictError extends Error {
  readonly currentVersion: number;
  constructor(object: PrmObject, id: string, currentVersion: number) {
    super(
      `The ${object.label.toLowerCase()} ${id} was changed by someone else (now version ${currentVersion}); read it again and retry.`,
    );
    this.name = 'VersionConflictError';
    this.currentVersion = currentVersion;
  }
}

/** The change would break the data's integrity (a record still referenced, a duplicate unique value). */
export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export interface ListOptions {
  limit?: number;
  /** Keyset cursor: the `next` of the previous page (listCursor.ts). */
  after?: string;
  /** Equality filters on fields. */
  where?: Record<string, unknown>;
  /** The order of the list; by id when not given. */
  sort?: ListSort;
  /** Also count every record in scope that matches the filters (a second query, so only when asked). */
  withTotal?: boolean;
}

export async function audit(
  tx: Tx,
  at: Date,
  actor: Actor | null,
  object: PrmObject,
  recordId: string,
  action: string,
  before: unknown,
  after: unknown,
  /** For an entry that announces something about the record (its `after` is not the record): what
   *  the webhook event carries besides the record, each under its own name (`{ proposal, reason }`). */
  details?: Record<string, unknown>,
): Promise<void> {
  // Every event carries the record after the change; a notice's entry holds something else, so its
  // event reads the record as it stands (only when a subscription wants the event).
  const isRecord = (value: unknown) => (value as { id?: unknown } | null)?.id === recordId;
  const notice = after !== null && !isRecord(after);
  await auditChange(tx, at, actor, object.name, recordId, action, before, after, {
    ...(notice ? { record: () => findRecord(tx, object, recordId), details } : {}),
  });
}

/**
 * The audit entry, and what the concepts hooked to it do in the same transaction (auditHooks.ts: the
 * webhook event, a lock), for any object: audit() for the schema's records, and directly for what
 * lives outside the schema (users, webhook subscriptions), whose `before` and `after` are the object
 * as the API shows it, never a secret.
 */
export async function auditChange(
  tx: Tx,
  at: Date,
  actor: Actor | null,
  object: string,
  recordId: string,
  action: string,
  before: unknown,
  after: unknown,
  event: Pick<AuditedChange, 'record' | 'details'> = {},
): Promise<void> {
  const change: AuditedChange = { object, recordId, action, before, after, at, ...event };
  await beforeAuditEntry(tx, change);
  await writeAuditEntry(tx, at, actor, change);
  await afterAuditEntry(tx, change);
}

export async function findRecord<Name extends string>(
  tx: Tx,
  object: PrmObject<Name>,
  id: string,
): Promise<RecordOf<Name> | undefined> {
  const table = sqlTableName(object);
  const { rows } = await runPrepared<Row, [string]>(tx, `find:${table}`, [id], (db, [value]) =>
    recordTables(db).selectFrom(table).selectAll().where('id', '=', value),
  );
  return rows.length ? fromRow(object, rows[0]) : undefined;
}

/** Whether the person may see this record (reading its parents where it is owned through one). */
export function visible(tx: Tx, actor: Actor, object: PrmObject, record: StoredRecord): Promise<boolean> {
  return recordInScope(actor, object, record, (parent, id) => findRecord(tx, parent, id));
}

/** The rows of a select the scope lets through: the partner's own, or those whose parent is in scope. */
function inScope<Q extends SelectQueryBuilder<any, any, any>>(tx: Tx, query: Q, scope: RowScope): Q {
  if (scope === 'all') return query;
  if ('parent' in scope) {
    const parents = inScope(
      tx,
      recordTables(tx.db).selectFrom(sqlTableName(scope.parent)).select('id'),
      scope.parentScope,
    );
    return query.where(scope.parentColumn, 'in', parents) as Q;
  }
  const { partnerColumn, partner, orEmpty } = scope;
  if (!orEmpty) return query.where(partnerColumn, '=', partner) as Q;
  return query.where((eb) => eb.or([eb(partnerColumn, '=', partner), eb(partnerColumn, 'is', null)])) as Q;
}

/**
 * The records of one object whose fields equal the values given, in the order of the fields named, or
 * in no particular order when none is named (no scope and no access check: for the rules, which read
 * what they decide on). Prepared once per shape. An order costs SQLite a temporary B-tree even for an
 * empty result, on the hottest request too (a registration reads its partner's certifications), so
 * it is asked for only where the rule depends on it.
 */
export async function findRecords<Name extends string>(
  tx: Tx,
  object: PrmObject<Name>,
  where: Readonly<Record<string, unknown>>,
  orderBy: readonly string[] = [],
): Promise<RecordOf<Name>[]> {
  const table = sqlTableName(object);
  const fields = Object.keys(where);
  const { rows } = await runPrepared<Row>(
    tx,
    `find-by:${table}:${fields.join(',')}:${orderBy.join(',')}`,
    Object.values(where),
    (db, args) => {
      let query = recordTables(db).selectFrom(table).selectAll();
      fields.forEach((field, i) => (query = query.where(columnFor(object, field), '=', args[i])));
      for (const field of orderBy) query = query.orderBy(columnFor(object, field));
      return query;
    },
  );
  return rows.map((row) => fromRow(object, row));
}

/** A record the person may see, or NotFound (never "forbidden", which would confirm it exists). */
export async function getRecord<Name extends string>(
  tx: Tx,
  actor: Actor,
  object: PrmObject<Name>,
  id: string,
): Promise<RecordOf<Name>> {
  requireOperation(actor, object, 'read');
  const record = await findRecord(tx, object, id);
  if (!record || !(await visible(tx, actor, object, record))) throw new NotFoundError(object, id);
  return record;
}

export async function listRecords<Name extends string>(
  tx: Tx,
  actor: Actor,
  object: PrmObject<Name>,
  options: ListOptions = {},
): Promise<{ records: RecordOf<Name>[]; next: string | null; total?: number }> {
  requireOperation(actor, object, 'read');
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const table = sqlTableName(object);
  const sort = options.sort ? { ...options.sort, column: columnFor(object, options.sort.field) } : undefined;
  const scope = rowScope(actor, object);
  const filterRow = toRow(object, options.where ?? {}, tx.dialect);
  const matching = <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => {
    let narrowed = inScope(tx, query as SelectQueryBuilder<any, any, any>, scope);
    // Compared as the store keeps the value (SQLite's 0/1 for a checkbox, a list's JSON text).
    for (const [column, value] of Object.entries(filterRow)) narrowed = narrowed.where(column, '=', value);
    return narrowed as Q;
  };
  let query = matching(recordTables(tx.db).selectFrom(table).selectAll());
  query = sort ? orderedBy(query, sort) : query.orderBy('id');
  if (options.after) {
    const position = readCursor(options.after, options.sort);
    query = sort ? query.where((eb) => afterPosition(eb, sort, position)) : query.where('id', '>', position.id);
  }
  const rows = await query.limit(limit + 1).execute();
  const records = rows.slice(0, limit).map((row) => fromRow(object, row));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  const next = last ? writeCursor(options.sort, sort ? last[sort.column] : undefined, String(last.id)) : null;
  if (!options.withTotal) return { records, next };
  const counted = await matching(
    recordTables(tx.db)
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('total')),
  ).executeTakeFirst();
  return { records, next, total: Number(counted?.total ?? 0) };
}

/** What a request is told when an id it sent names no record it may see: the same for fields and bodies. */
export function unseenLookup(field: string, target: PrmObject): FieldProblem {
  return { field, message: `must be the id of a ${target.label.toLowerCase()} you can see` };
}

/**
 * A record named by an id in a request's body (an action's `fundRequest`, a query's `partner`): one
 * the person may see, or 422 naming the field, as the CRUD routes answer for a lookup. A 404 is kept
 * for the record in the path.
 */
export async function getReferencedRecord<Name extends string>(
  tx: Tx,
  actor: Actor,
  object: PrmObject<Name>,
  id: string,
  field: string,
): Promise<RecordOf<Name>> {
  const record = mayOperate(actor, object, 'read') ? await findRecord(tx, object, id) : undefined;
  if (!record || !(await visible(tx, actor, object, record))) throw new ValidationError([unseenLookup(field, object)]);
  return record;
}

/** Every lookup in the input must point at a record that exists and that this person may see. */
async function checkLookups(
  tx: Tx,
  actor: Actor,
  object: PrmObject,
  values: Record<string, unknown>,
  known: readonly StoredRecord[] = [],
): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const [name, value] of Object.entries(values)) {
    const field = object.fields[name];
    if (field?.kind !== 'lookup' || value === null || value === undefined) continue;
    const target = objectNamed(prmObjects, field.target);
    const found = known.find((record) => record.id === value) ?? (await findRecord(tx, target, String(value)));
    if (!found || !(await visible(tx, actor, target, found))) problems.push(unseenLookup(name, target));
  }
  if (problems.length) throw new ValidationError(problems);
}

function integrity(error: unknown, object: PrmObject): never {
  const message = (error as Error).message ?? '';
  if (/UNIQUE constraint failed|duplicate key value/.test(message)) {
    throw new IntegrityError(
      `Another ${object.label.toLowerCase()} already has this value: ${message.replace(/^.*?: /, '')}`,
    );
  }
  if (/FOREIGN KEY constraint failed|violates foreign key constraint/.test(message)) {
    throw new IntegrityError(
      `The ${object.label.toLowerCase()} is still referenced by other records, or refers to one that does not exist.`,
    );
  }
  throw error;
}

export interface CreateOptions {
  /**
   * Skip the access checks (may this role create it, may it write these fields): the program's rules
   * act here, in a business action (accepting an application creates the partner) that has already
   * checked who may perform it, so fields the rules own (statuses, dates) may be set. A partner user's
   * records still belong to their own partner.
   */
  authorizedByProgramRules?: boolean;
  /** Records the caller has already read in this transaction; lookups to them are not read again. */
  known?: readonly StoredRecord[];
}

/**
 * The record as the store will hold it once written: the columns the row would have, read back the way
 * a SELECT would give them. Computed in memory so a write needs no read-back.
 */
export function asStored<Name extends string>(
  object: PrmObject<Name>,
  values: object,
  dialect: Dialect,
): RecordOf<Name> {
  return fromRow(object, toRow(object, values, dialect));
}

/**
 * A new record checked and completed (access, validation, lookups, id, auto-number, defaults) but not
 * yet written: actions that decide more before the first write (registering a deal submits it at
 * once) insert it with insertRecord.
 */
export async function newRecord<Name extends string>(
  tx: Tx,
  now: Date,
  actor: Actor,
  object: PrmObject<Name>,
  input: Record<string, unknown>,
  options: CreateOptions = {},
): Promise<RecordOf<Name>> {
  const values = { ...input };
  if (!options.authorizedByProgramRules) {
    requireOperation(actor, object, 'create');
    checkWritableFields(actor, object, values);
  } else requireOwnPartner(actor, object, values);
  if (isPartnerUser(actor) && object.partnerField && object.partnerField !== 'id') {
    values[object.partnerField] = actor.partnerId;
  } else await partnerFromParents(tx, object, values, options.known);
  const valid = validateInput(object.name as ObjectName, values, 'create') as Record<string, unknown>;
  await checkLookups(tx, actor, object, valid, options.known);
  await checkParentPartners(tx, object, valid, options.known);
  const id = timeOrderedId();
  const timestamp = now.toISOString();
  const name = (await nextName(tx, object)) ?? valid.name;
  const record = withDefaults(object, { ...valid, id, name, createdAt: timestamp, updatedAt: timestamp, version: 1 });
  const stored = asStored(object, record, tx.dialect);
  await checkBeforeWrite(tx, object, stored);
  return stored;
}

/** Writes a record made by newRecord (possibly changed since by the rules), with its audit entry. */
export async function insertRecord<Name extends string>(
  tx: Tx,
  now: Date,
  actor: Actor,
  object: PrmObject<Name>,
  record: RecordOf<Name>,
  action = 'create',
): Promise<RecordOf<Name>> {
  // The record is complete (made by newRecord), so its row has every column: made once, and the record
  // as stored is read back from it (asStored without a second toRow).
  const row = toRow(object, record, tx.dialect);
  const stored = fromRow(object, row);
  try {
    const table = sqlTableName(object);
    const columns = Object.keys(row);
    await runPrepared(tx, `insert:${table}:${columns.join(',')}`, Object.values(row), (db, args) =>
      recordTables(db)
        .insertInto(table)
        .values(Object.fromEntries(columns.map((column, i) => [column, args[i]]))),
    );
  } catch (error) {
    integrity(error, object);
  }
  await audit(tx, now, actor, object, stored.id, action, null, stored);
  return stored;
}

export async function createRecord<Name extends string>(
  tx: Tx,
  now: Date,
  actor: Actor,
  object: PrmObject<Name>,
  input: Record<string, unknown>,
  options: CreateOptions = {},
): Promise<RecordOf<Name>> {
  return insertRecord(tx, now, actor, object, await newRecord(tx, now, actor, object, input, options));
}

/** An update a person asks for by the object's name at run time (a route, an import, an intake event). */
export async function updateRecord(
  tx: Tx,
  now: Date,
  actor: Actor,
  object: PrmObject,
  id: string,
  expectedVersion: number,
  changes: Record<string, unknown>,
): Promise<PrmRecord> {
  requireOperation(actor, object, 'edit');
  const before = await getRecord(tx, actor, object, id);
  checkWritableFields(actor, object, changes);
  const valid = validateInput(object.name as ObjectName, changes, 'update') as Record<string, unknown>;
  await checkLookups(tx, actor, object, valid);
  const touchesOwner = [object.partnerField, ...(object.parents ?? [])].some((name) => name && name in valid);
  if (touchesOwner) await checkParentPartners(tx, object, { ...before, ...valid });
  await checkBeforeWrite(tx, object, asStored(object, { ...before, ...valid }, tx.dialect));
  return writeUpdate(tx, now, actor, object, before, expectedVersion, valid, 'update');
}

/** Writes already-authorised changes with the version check and the audit entry. Actions use it too. */
export async function writeUpdate<Name extends string>(
  tx: Tx,
  now: Date,
  actor: Actor | null,
  object: PrmObject<Name>,
  before: RecordOf<Name>,
  expectedVersion: number,
  changes: Partial<RecordOf<Name>>,
  action: string,
): Promise<RecordOf<Name>> {
  const row = toRow(object, { ...changes, updatedAt: now.toISOString() }, tx.dialect);
  let result;
  try {
    const table = sqlTableName(object);
    const set = { ...row, version: expectedVersion + 1 };
    const columns = Object.keys(set);
    const outcome = await runPrepared(
      tx,
      `update:${table}:${columns.join(',')}`,
      [...Object.values(set), before.id, expectedVersion],
      (db, args) =>
        recordTables(db)
          .updateTable(table)
          .set(Object.fromEntries(columns.map((column, i) => [column, args[i]])))
          .where('id', '=', args[columns.length])
          .where('version', '=', args[columns.length + 1]),
    );
    result = { numUpdatedRows: outcome.numAffectedRows ?? 0n };
  } catch (error) {
    integrity(error, object);
  }
  if (Number(result.numUpdatedRows) === 0) {
    const current = await findRecord(tx, object, before.id);
    throw new VersionConflictError(object, before.id, current?.version ?? before.version);
  }
  const after = asStored(
    object,
    { ...before, ...changes, updatedAt: now.toISOString(), version: expectedVersion + 1 },
    tx.dialect,
  );
  await audit(tx, now, actor, object, before.id, action, before, after);
  return after;
}

export async function deleteRecord(
  tx: Tx,
  now: Date,
  actor: Actor,
  object: PrmObject,
  id: string,
  expectedVersion: number,
): Promise<void> {
  requireOperation(actor, object, 'delete');
  const before = await getRecord(tx, actor, object, id);
  if (before.version !== expectedVersion) throw new VersionConflictError(object, id, before.version);
  try {
    await recordTables(tx.db)
      .deleteFrom(sqlTableName(object))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .execute();
  } catch (error) {
    integrity(error, object);
  }
  await audit(tx, now, actor, object, id, 'delete', before, null);
}
