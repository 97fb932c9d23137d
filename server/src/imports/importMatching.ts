/**
 * Matching rows to the records they update: by id, then crmId, then the object's external id, read a
 * chunk at a time; and what a matched row changes.
 */
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { sqlTableName } from '@prm/core/hosts/sql';
import { asStored, type Tx } from '../store/repository.ts';
import { columnFor, fromRow, recordTables, type PrmRecord } from '../store/records.ts';
import { externalIdField, type ParsedRow } from './importColumns.ts';

/**
 * The existing records a chunk's rows may stand for, read in one query per key instead of one per row,
 * and kept up to date as the chunk writes (a later row of the file may change a record an earlier
 * one created or changed).
 */
export class Matches {
  readonly byKey = new Map<string, PrmRecord>();
  readonly external: string | undefined;
  constructor(object: PrmObject) {
    this.external = externalIdField(object);
  }

  static async load(tx: Tx, object: PrmObject, rows: readonly ParsedRow[]): Promise<Matches> {
    const matches = new Matches(object);
    const keys: Array<[string, string, string[]]> = [
      ['id', 'id', rows.flatMap((row) => (row.id ? [row.id] : []))],
      ['crmId', 'crm_id', rows.flatMap((row) => (row.crmId ? [row.crmId] : []))],
    ];
    if (matches.external) {
      const values = rows.flatMap((row) => {
        const value = row.values[matches.external!];
        return typeof value === 'string' ? [value] : [];
      });
      keys.push([matches.external, columnFor(object, matches.external), values]);
    }
    for (const [, column, values] of keys) {
      if (!values.length) continue;
      const found = await recordTables(tx.db)
        .selectFrom(sqlTableName(object))
        .selectAll()
        .where(column, 'in', [...new Set(values)])
        .execute();
      for (const row of found) matches.remember(fromRow(object, row));
    }
    return matches;
  }

  remember(record: PrmRecord): void {
    this.byKey.set(`id\u0000${record.id}`, record);
    if (record.crmId) this.byKey.set(`crmId\u0000${String(record.crmId)}`, record);
    const value = this.external ? record[this.external] : null;
    if (typeof value === 'string') this.byKey.set(`${this.external}\u0000${value}`, record);
  }

  /** The record a row stands for, by id, then crmId, then the external id, with the key used. */
  find(row: ParsedRow): { record: PrmRecord; key: string } | undefined {
    const candidates: Array<[string, unknown]> = [
      ['id', row.id],
      ['crmId', row.crmId],
    ];
    if (this.external) candidates.push([this.external, row.values[this.external]]);
    for (const [key, value] of candidates) {
      const record = typeof value === 'string' ? this.byKey.get(`${key}\u0000${value}`) : undefined;
      if (record) return { record, key };
    }
    return undefined;
  }
}

/** The records a chunk's lookups point at, read at once, so creating a row need not read them again. */
export async function lookupTargets(tx: Tx, object: PrmObject, rows: readonly ParsedRow[]): Promise<PrmRecord[]> {
  const wanted = new Map<string, Set<string>>();
  for (const row of rows)
    for (const [name, value] of Object.entries(row.values)) {
      const field = object.fields[name];
      if (field?.kind !== 'lookup' || typeof value !== 'string') continue;
      if (!wanted.has(field.target)) wanted.set(field.target, new Set());
      wanted.get(field.target)!.add(value);
    }
  const known: PrmRecord[] = [];
  for (const [target, ids] of wanted) {
    const targetObject = objectNamed(prmObjects, target);
    const found = await recordTables(tx.db)
      .selectFrom(sqlTableName(targetObject))
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    known.push(...found.map((row) => fromRow(targetObject, row)));
  }
  return known;
}

/** The fields whose values differ from the record's, compared as the store holds them. */
export function changedFields(
  object: PrmObject,
  record: PrmRecord,
  values: Record<string, unknown>,
  dialect: Tx['dialect'],
): Record<string, unknown> {
  const stored = asStored(object, { ...record, ...values }, dialect);
  const changes: Record<string, unknown> = {};
  for (const name of Object.keys(values)) {
    if (JSON.stringify(stored[name] ?? null) !== JSON.stringify(record[name] ?? null)) changes[name] = values[name];
  }
  return changes;
}
