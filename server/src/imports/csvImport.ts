/**
 * Importing one CSV file of one PRM object, for the API and the `prm import` command alike.
 *
 * - The header names the API's fields (camelCase), plus `id` / `crmId`; a column that is not a field
 *   the importer can see is refused before any row is read.
 * - All or nothing: the whole file runs in ONE transaction of its own (not the group commit); any row
 *   error rolls everything back, and every error (up to `maxErrors`) is reported by line and field.
 *   Rows are streamed from the parser into the open transaction, never held in memory together.
 * - Idempotent: each row is matched to an existing record by `id`, then `crmId`, then the object's
 *   external id (erpOrderId, ...); a matched row writes only the fields that changed (an unchanged row
 *   writes nothing, not even an audit entry). The file's SHA-256 is kept, so the very same file sent
 *   again is reported as already imported, with nothing written.
 * - Every write goes through the repository with the importer's rights: access rules, validation,
 *   lookups and the audit log apply exactly as for the REST API.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { parse, CsvError } from 'csv-parse';
import type { PrmObject } from '@prm/core/schema/object';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { Field } from '@prm/core/schema/fields';
import { ValidationError, NotAllowedError, TransitionError } from '@prm/core/errors';
import { sqlTableName } from '@prm/core/hosts/sql';
import { fieldAccess } from '@prm/core/schema/access';
import { ForbiddenError, requireOperation, type Actor, isPartnerUser } from '../auth/policy.ts';
import type { Store } from '../store/database.ts';
import { timeOrderedId } from '../store/ids.ts';
import { asStored, insertRecord, newRecord, updateRecord, visible, type Tx } from '../store/repository.ts';
import { columnFor, fromRow, recordTables, type PrmRecord } from '../store/records.ts';
import { cellToValue, CellError } from './cells.ts';

export interface RowError {
  /** The physical line of the CSV file the row starts on, the header being line 1. */
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  object: string;
  status: 'imported' | 'already imported' | 'dry run' | 'rejected';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  sha256: string;
  errors: RowError[];
  /** Errors found beyond the first `maxErrors`, counted but not listed. */
  moreErrors: number;
}

export interface ImportProgress {
  rows: number;
  bytes: number;
}

export interface ImportOptions {
  actor: Actor;
  object: PrmObject;
  now: () => Date;
  /** Check and count everything, then roll back. */
  dryRun?: boolean;
  /** Import even if the very same file was imported before (rows are still matched, so nothing doubles). */
  force?: boolean;
  fileName?: string;
  /**
   * The file's SHA-256 when the caller could hash it beforehand (a file on disk): a file imported
   * before is then recognised without reading it again. Streams are hashed as they are read.
   */
  sha256?: string;
  maxErrors?: number;
  /** A file larger than this is refused (the API's limit; the command line has none). */
  maxBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** The file cannot be imported at all (bad header, malformed CSV, too large): nothing was written. */
export class ImportFileError extends Error {
  readonly problems: RowError[];
  readonly status: number;
  constructor(message: string, problems: RowError[], status = 422) {
    super(message);
    this.name = 'ImportFileError';
    this.problems = problems;
    this.status = status;
  }
}

/** Thrown inside the transaction to roll it back with the report in hand. */
class RollBack extends Error {
  readonly report: ImportReport;
  constructor(report: ImportReport) {
    super('rolled back');
    this.report = report;
  }
}

/** Columns that are the record's own metadata: exported for reference, never written by an import. */
const metadataColumns = new Set(['createdAt', 'updatedAt', 'version']);
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

interface Column {
  name: string;
  /** The field, for field columns; undefined for id, crmId, name and metadata. */
  field?: Field;
  role: 'id' | 'crmId' | 'name' | 'metadata' | 'field';
}

/** The object's external id field (erpOrderId, ...), which matches re-imported rows. */
export function externalIdField(object: PrmObject): string | undefined {
  return Object.entries(object.fields).find(([, field]) => field.externalId)?.[0];
}

function hasTypedName(object: PrmObject): boolean {
  return Boolean(object.nameField && 'length' in object.nameField);
}

/** Reads the header: every column must be something this person can see on this object, once. */
function planColumns(actor: Actor, object: PrmObject, header: string[]): Column[] {
  const problems: RowError[] = [];
  const seen = new Set<string>();
  const columns = header.map((raw): Column => {
    const name = raw.trim();
    if (seen.has(name)) problems.push({ line: 1, field: name, message: 'appears twice in the header' });
    seen.add(name);
    if (name === 'id' || name === 'crmId') return { name, role: name };
    if (name === 'name') return { name, role: hasTypedName(object) ? 'name' : 'metadata' };
    if (metadataColumns.has(name)) return { name, role: 'metadata' };
    const field = object.fields[name];
    if (!field || fieldAccess(object, field, actor.role) === 'none') {
      problems.push({
        line: 1,
        field: name || '(empty column name)',
        message: `is not a field of ${object.pluralLabel.toLowerCase()} you can import (header names are the API's field names, e.g. ${Object.keys(object.fields).slice(0, 3).join(', ')})`,
      });
      return { name, role: 'metadata' };
    }
    return { name, field, role: 'field' };
  });
  if (problems.length) throw new ImportFileError(`The header of the file is not valid.`, problems);
  return columns;
}

/** One parsed row: the key columns and the field values it gives. */
interface ParsedRow {
  id: string | null;
  crmId: string | null;
  values: Record<string, unknown>;
}

function parseRow(columns: Column[], cells: string[], line: number, errors: RowError[]): ParsedRow {
  const row: ParsedRow = { id: null, crmId: null, values: {} };
  columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (column.role === 'metadata') return;
    if (column.role === 'id' || column.role === 'crmId') {
      const text = cell.trim();
      if (text !== '' && (text.length > 64 || (column.role === 'id' && !idPattern.test(text))))
        errors.push({ line, field: column.name, message: 'must be at most 64 letters, digits, _ or -' });
      row[column.role] = text === '' ? null : text;
      return;
    }
    if (column.role === 'name') {
      row.values.name = cell.trim() === '' ? null : cell.trim();
      return;
    }
    try {
      row.values[column.name] = cellToValue(column.field!, cell);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ line, field: column.name, message: error.message });
    }
  });
  return row;
}

/**
 * The existing records a chunk's rows may stand for, read in one query per key instead of one per row,
 * and kept up to date as the chunk writes (a later row of the file may change a record an earlier
 * one created or changed).
 */
class Matches {
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
async function lookupTargets(tx: Tx, object: PrmObject, rows: readonly ParsedRow[]): Promise<PrmRecord[]> {
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
function changedFields(
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

/** A repository error as the row's errors, each naming a field. */
function rowErrorsOf(error: unknown, line: number, fallbackField: string): RowError[] | undefined {
  if (error instanceof ValidationError || (error instanceof ForbiddenError && error.problems.length))
    return error.problems.map((problem) => ({ line, field: problem.field, message: problem.message }));
  if (error instanceof CellError) return [{ line, field: fallbackField, message: error.message }];
  const known = ['ForbiddenError', 'NotFoundError', 'IntegrityError', 'VersionConflictError'];
  if (known.includes((error as Error).name) || error instanceof NotAllowedError || error instanceof TransitionError)
    return [{ line, field: fallbackField, message: (error as Error).message }];
  return undefined;
}

type Outcome = 'created' | 'updated' | 'unchanged';

interface ChunkContext {
  matches: Matches;
  known: PrmRecord[];
}

async function importRow(
  tx: Tx,
  options: ImportOptions,
  context: ChunkContext,
  row: ParsedRow,
  line: number,
  rowErrors: RowError[],
): Promise<Outcome | undefined> {
  const { actor, object } = options;
  const now = options.now();
  const match = context.matches.find(row);
  if (match) {
    if (!(await visible(tx, actor, object, match.record))) {
      // Worded as for an unknown key, so a partner learns nothing about another partner's records.
      rowErrors.push({ line, field: match.key, message: `is not a ${object.label.toLowerCase()} you can see` });
      return undefined;
    }
    const values = { ...row.values };
    // A typed-in name left empty keeps the record's name; auto-numbered names are never imported.
    if (values.name === null) delete values.name;
    const changes = changedFields(object, match.record, values, tx.dialect);
    if (row.id && match.record.id !== row.id) {
      rowErrors.push({
        line,
        field: 'id',
        message: `differs from the id of the ${object.label.toLowerCase()} with this ${match.key} (${match.record.id})`,
      });
      return undefined;
    }
    if (row.crmId && match.record.crmId !== row.crmId) {
      rowErrors.push({
        line,
        field: 'crmId',
        message: `differs from the matched record's (${match.record.crmId ?? 'empty'})`,
      });
      return undefined;
    }
    if (Object.keys(changes).length === 0) return 'unchanged';
    context.matches.remember(
      await updateRecord(tx, now, actor, object, match.record.id, match.record.version, changes),
    );
    return 'updated';
  }
  if (row.id && isPartnerUser(actor)) {
    // A partner may not choose ids: an unknown id could only be a typo or another partner's record.
    rowErrors.push({
      line,
      field: 'id',
      message: `is not a ${object.label.toLowerCase()} you can see; leave id empty to create one`,
    });
    return undefined;
  }
  // On a new record an empty cell means "not given", so the schema's defaults apply.
  const input = Object.fromEntries(Object.entries(row.values).filter(([, value]) => value !== null));
  const record = await newRecord(tx, now, actor, object, input, { known: context.known });
  const stored = await insertRecord(tx, now, actor, object, {
    ...record,
    ...(row.id ? { id: row.id } : {}),
    ...(row.crmId ? { crmId: row.crmId } : {}),
  });
  context.matches.remember(stored);
  return 'created';
}

async function inSavepoint<T>(tx: Tx, name: string, work: () => Promise<T>): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(tx.db);
  try {
    const result = await work();
    await sql.raw(`release savepoint ${name}`).execute(tx.db);
    return result;
  } catch (error) {
    await sql.raw(`rollback to savepoint ${name}`).execute(tx.db);
    throw error;
  }
}

interface PendingRow {
  row: ParsedRow;
  line: number;
}

interface ChunkResult {
  outcomes: Outcome[];
  errors: RowError[];
}

/** A statement failed inside a chunk run without per-row savepoints; the chunk must run again with them. */
class ChunkAborted extends Error {}

/** Rows are written in chunks: lookups and matches are read once per chunk, not once per row. */
const chunkSize = 500;

async function runChunk(
  tx: Tx,
  options: ImportOptions,
  context: ChunkContext,
  chunk: readonly PendingRow[],
  rowSavepoints: boolean,
): Promise<ChunkResult> {
  const result: ChunkResult = { outcomes: [], errors: [] };
  const fallbackField = externalIdField(options.object) ?? 'id';
  for (const { row, line } of chunk) {
    const rowErrors: RowError[] = [];
    try {
      const write = () => importRow(tx, options, context, row, line, rowErrors);
      const outcome = rowSavepoints ? await inSavepoint(tx, 'prm_import_row', write) : await write();
      if (outcome) result.outcomes.push(outcome);
    } catch (error) {
      const found = rowErrorsOf(error, line, fallbackField);
      if (!found) throw error;
      // A constraint the database enforced (a duplicate unique value) aborts a PostgreSQL transaction.
      if (tx.dialect === 'postgres' && !rowSavepoints && (error as Error).name === 'IntegrityError')
        throw new ChunkAborted();
      rowErrors.push(...found);
    }
    result.errors.push(...rowErrors);
  }
  return result;
}

/**
 * Writes one chunk. On PostgreSQL a failed statement aborts the whole transaction, so the chunk runs
 * in a savepoint; if a row breaks a constraint, the chunk is undone and run again with a savepoint per
 * row, so that row is undone alone and the rest of the file is still checked: one run reports every
 * error. SQLite undoes only the failed statement, so it needs neither.
 */
async function writeChunk(tx: Tx, options: ImportOptions, chunk: readonly PendingRow[]): Promise<ChunkResult> {
  const rows = chunk.map((pending) => pending.row);
  const context = async (): Promise<ChunkContext> => ({
    matches: await Matches.load(tx, options.object, rows),
    known: await lookupTargets(tx, options.object, rows),
  });
  if (tx.dialect !== 'postgres') return runChunk(tx, options, await context(), chunk, false);
  try {
    return await inSavepoint(tx, 'prm_import_chunk', async () => runChunk(tx, options, await context(), chunk, false));
  } catch (error) {
    if (!(error instanceof ChunkAborted)) throw error;
    return runChunk(tx, options, await context(), chunk, true);
  }
}

function importScope(actor: Actor): string {
  return isPartnerUser(actor) ? `partner:${actor.partnerId}` : 'vendor';
}

async function alreadyImported(tx: Tx, object: PrmObject, scope: string, sha256: string): Promise<boolean> {
  const row = await tx.db
    .selectFrom('import_file')
    .select('id')
    .where('object', '=', object.name)
    .where('scope', '=', scope)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return Boolean(row);
}

/** The line a row starts on: the parser counts to its end, and a quoted cell may span lines. */
function startLine(cells: string[], endLine: number): number {
  let inner = 0;
  for (const cell of cells) for (const character of cell) if (character === '\n') inner++;
  return endLine - inner;
}

function emptyReport(object: PrmObject): ImportReport {
  return {
    object: object.name,
    status: 'imported',
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    sha256: '',
    errors: [],
    moreErrors: 0,
  };
}

function csvProblem(error: unknown): ImportFileError {
  const lines = (error as CsvError & { lines?: number }).lines;
  return new ImportFileError('The file is not valid CSV.', [
    { line: lines ?? 0, field: '(file)', message: `malformed CSV: ${(error as Error).message}` },
  ]);
}

/**
 * Imports the CSV read from `input` as one all-or-nothing change. Resolves to the report (also when
 * rows were rejected: status `rejected`, with the errors); rejects with ImportFileError when the file
 * itself cannot be read as this object's CSV.
 */
export async function importCsv(store: Store, input: Readable, options: ImportOptions): Promise<ImportReport> {
  const { actor, object } = options;
  requireOperation(actor, object, 'create');
  const maxErrors = options.maxErrors ?? 100;
  if (options.sha256 && !options.force) {
    const tx: Tx = { db: store.db, dialect: store.dialect, root: store.db };
    if (await alreadyImported(tx, object, importScope(actor), options.sha256)) {
      input.destroy();
      return { ...emptyReport(object), status: 'already imported', sha256: options.sha256 };
    }
  }
  const hash = createHash('sha256');
  let bytes = 0;
  // A record larger than this is not a row of PRM data but a broken or hostile file.
  // Rows with too few or too many cells are reported one by one below, not as a broken file.
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: 1024 * 1024,
  });
  let tooLarge = false;
  // Bytes that are not UTF-8 would reach the rows as U+FFFD: the file is refused instead, naming it.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const notUtf8 = () => {
    input.unpipe(parser);
    input.pause();
    parser.destroy(
      new ImportFileError(
        'The file is not UTF-8 text.',
        [{ line: 0, field: '(file)', message: 'is not valid UTF-8: save the CSV as UTF-8 and import it again' }],
        400,
      ),
    );
  };
  input.on('data', (chunk: Buffer) => {
    // A stream of strings (tests, the CLI's own text) is already decoded; bytes are checked here.
    try {
      if (typeof chunk !== 'string') utf8.decode(chunk, { stream: true });
    } catch {
      return notUtf8();
    }
    hash.update(chunk);
    bytes += chunk.length;
    if (options.maxBytes === undefined || bytes <= options.maxBytes || tooLarge) return;
    // The input is left unread rather than destroyed: destroying a request would also close the
    // connection before the answer saying why is sent.
    tooLarge = true;
    input.unpipe(parser);
    input.pause();
    parser.destroy(
      new ImportFileError(
        'The file is too large.',
        [{ line: 0, field: '(file)', message: `is larger than ${options.maxBytes} bytes; import it with prm import` }],
        413,
      ),
    );
  });
  input.on('end', () => {
    try {
      utf8.decode(); // a character cut off at the end of the file
    } catch {
      notUtf8();
    }
  });
  input.on('error', (error) => parser.destroy(error));
  // Errors reach the import through the parser's iterator; one emitted after it has stopped is not news.
  parser.on('error', () => undefined);
  input.pipe(parser);

  const report = emptyReport(object);
  const addErrors = (found: RowError[]) => {
    for (const error of found) {
      if (report.errors.length < maxErrors) report.errors.push(error);
      else report.moreErrors++;
    }
  };

  const work = async (tx: Tx) => {
    let columns: Column[] | undefined;
    let chunk: PendingRow[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      const result = await writeChunk(tx, options, chunk);
      for (const outcome of result.outcomes) report[outcome]++;
      addErrors(result.errors);
      chunk = [];
    };
    for await (const { record: cells, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      const line = startLine(cells, info.lines);
      if (!columns) {
        columns = planColumns(actor, object, cells);
        continue;
      }
      report.rows++;
      const rowErrors: RowError[] = [];
      if (cells.length !== columns.length)
        rowErrors.push({
          line,
          field: '(row)',
          message: `has ${cells.length} cells but the header has ${columns.length} columns`,
        });
      const row = parseRow(columns, cells, line, rowErrors);
      if (rowErrors.length) addErrors(rowErrors);
      else chunk.push({ row, line });
      if (chunk.length >= chunkSize) {
        await flush();
        options.onProgress?.({ rows: report.rows, bytes: info.bytes });
      }
    }
    await flush();
    if (!columns)
      throw new ImportFileError('The file is empty.', [
        { line: 1, field: '(header)', message: 'is missing: the first line must name the columns' },
      ]);
    options.onProgress?.({ rows: report.rows, bytes });
    report.sha256 = hash.digest('hex');
    // Rows with unreadable cells are reported as they are read, the others as their chunk is written.
    report.errors.sort((a, b) => a.line - b.line);
    const scope = importScope(actor);
    if (report.errors.length) throw new RollBack({ ...report, status: 'rejected' });
    if (!options.force && (await alreadyImported(tx, object, scope, report.sha256)))
      throw new RollBack({ ...report, status: 'already imported', created: 0, updated: 0, unchanged: 0 });
    if (options.dryRun) throw new RollBack({ ...report, status: 'dry run' });
    await tx.db
      .insertInto('import_file')
      .values({
        id: timeOrderedId(),
        object: object.name,
        sha256: report.sha256,
        scope,
        file_name: options.fileName?.slice(0, 255) ?? null,
        actor_id: actor.userId,
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        imported_at: options.now().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return report;
  };

  try {
    return await store.db.transaction().execute((trx) => work({ db: trx, dialect: store.dialect, root: store.db }));
  } catch (error) {
    if (error instanceof RollBack) return error.report;
    if (error instanceof CsvError) throw csvProblem(error);
    throw error;
  } finally {
    // Whatever stopped the import, the rest of the input is read and dropped: a request's body must be
    // read to the end for its answer to reach the client.
    input.unpipe(parser);
    if (!tooLarge && !input.readableEnded && !input.destroyed) input.resume();
  }
}
