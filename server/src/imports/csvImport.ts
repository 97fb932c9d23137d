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
import { parse, CsvError } from 'csv-parse';
import type { PrmObject } from '@prm/core/schema/object';
import { requireOperation } from '../auth/policy.ts';
import type { Store } from '../store/database.ts';
import type { Tx } from '../store/repository.ts';
import { type RowError, type ImportReport, type ImportOptions, ImportFileError } from './importReport.ts';
import { type Column, planColumns, parseRow } from './importColumns.ts';
import { type PendingRow, chunkSize, writeChunk } from './importRows.ts';
import { alreadyImported, importScope, recordImportedFile } from './importedFiles.ts';

/** Thrown inside the transaction to roll it back with the report in hand. */
class RollBack extends Error {
  readonly report: ImportReport;
  constructor(report: ImportReport) {
    super('rolled back');
    this.report = report;
  }
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
    await recordImportedFile(tx, options.now(), actor, object, scope, report, options.fileName);
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
