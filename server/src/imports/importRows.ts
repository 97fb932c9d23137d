/**
 * Writing the rows, a chunk at a time, through the repository with the importer's rights: each row
 * created or updated in a savepoint of its own, so one row's error is reported by line and field.
 */
import { sql } from 'kysely';
import { ValidationError, NotAllowedError, TransitionError } from '@prm/core/errors';
import { ForbiddenError, isPartnerUser } from '../auth/policy.ts';
import { insertRecord, newRecord, updateRecord, visible, type Tx } from '../store/repository.ts';
import type { PrmRecord } from '../store/records.ts';
import { CellError } from './cells.ts';
import type { RowError, ImportOptions } from './importReport.ts';
import { externalIdField, type ParsedRow } from './importColumns.ts';
import { Matches, lookupTargets, changedFields } from './importMatching.ts';

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

export interface PendingRow {
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
export const chunkSize = 500;

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
export async function writeChunk(tx: Tx, options: ImportOptions, chunk: readonly PendingRow[]): Promise<ChunkResult> {
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
