/**
 * `prm conflicts --existing existing.csv --incoming incoming.csv`: checks each incoming customer against
 * the existing ones (never against other incoming rows) and prints one JSON verdict per incoming row,
 * in input order. Both files: header `id,company,domain,country`, RFC 4180 quoting.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { parse, CsvError } from 'csv-parse';
import { UsageError } from '../prm.ts';
import { checkConflict, createConflictIndex, upsertRecord } from '@prm/core/deals/conflictIndex';
import type { ConflictSubject } from '@prm/core/deals/conflicts';

export const describe =
  'Check incoming customers against existing ones for channel conflicts (CSV in, JSON lines out).';

const header = ['id', 'company', 'domain', 'country'] as const;

interface CustomerRow {
  line: number;
  id: string;
  company: string;
  domain: string;
  country: string;
}

/** A row in the core's words: the file keeps its documented header (`company,domain,country`), users' scripts write it. */
function customerOf(row: CustomerRow): ConflictSubject {
  return {
    id: row.id,
    customerName: row.company,
    customerDomain: row.domain || null,
    customerCountry: row.country || null,
  };
}

/** Files above this size report progress on stderr even when it is not a terminal. */
const largeFileBytes = 5_000_000;
const progressEvery = 10_000;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Reads rows one at a time; every problem names the file and the line. */
async function* readCustomers(path: string): AsyncGenerator<CustomerRow> {
  const name = basename(path);
  fileSize(path);
  const stream = createReadStream(path);
  // A record larger than this is not a customer row but a broken or hostile file; fail on it early.
  const parser = stream.pipe(
    parse({ bom: true, info: true, relax_column_count: false, skip_empty_lines: true, max_record_size: 64 * 1024 }),
  );
  stream.on('error', (error) => parser.destroy(error));
  let sawHeader = false;
  const seen = new Map<string, number>();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!sawHeader) {
        const found = record.map((field) => field.trim().toLowerCase());
        if (found.length !== header.length || header.some((column, i) => found[i] !== column)) {
          throw new UsageError(
            `${name} line ${line}: the header must be ${header.join(',')}, found ${record.join(',')}`,
          );
        }
        sawHeader = true;
        continue;
      }
      const [id, company, domain, country] = record.map((field) => field.trim());
      if (id === '') throw new UsageError(`${name} line ${line}: the id is empty`);
      if (company === '') throw new UsageError(`${name} line ${line}: the company of ${id} is empty`);
      const earlier = seen.get(id);
      if (earlier !== undefined)
        throw new UsageError(`${name} line ${line}: id ${id} already appears on line ${earlier}`);
      seen.set(id, line);
      yield { line, id, company, domain, country };
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof CsvError) {
      const context = error as CsvError & { lines?: number };
      const where = context.lines !== undefined ? ` line ${context.lines}` : '';
      throw new UsageError(`${name}${where}: malformed CSV: ${error.message}`);
    }
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (!sawHeader) throw new UsageError(`${name} line 1: the file is empty; the header must be ${header.join(',')}`);
}

export async function run(argv: string[]): Promise<number> {
  let values: { existing?: string; incoming?: string; now?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { existing: { type: 'string' }, incoming: { type: 'string' }, now: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}\nUsage: prm conflicts --existing existing.csv --incoming incoming.csv`,
    );
  }
  if (!values.existing || !values.incoming) {
    throw new UsageError(
      'both --existing and --incoming are required.\nUsage: prm conflicts --existing existing.csv --incoming incoming.csv',
    );
  }
  // The command checks against "now"; --now makes a run reproducible (existing rows never lapse anyway).
  const now = values.now ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(now))) throw new UsageError(`--now must be an ISO 8601 instant, not ${values.now}`);

  const showProgress = (path: string) => Boolean(process.stderr.isTTY) || fileSize(path) > largeFileBytes;
  const progress = (message: string) => process.stderr.write(`${message}\n`);

  const index = createConflictIndex();
  const existingProgress = showProgress(values.existing);
  let existingCount = 0;
  for await (const row of readCustomers(values.existing)) {
    upsertRecord(index, { ...customerOf(row), kind: 'customer' });
    existingCount += 1;
    if (existingProgress && existingCount % 100_000 === 0) progress(`indexed ${existingCount} existing rows`);
  }
  if (existingProgress) progress(`indexed ${existingCount} existing rows`);

  const incomingProgress = showProgress(values.incoming);
  let checked = 0;
  let buffered = '';
  for await (const row of readCustomers(values.incoming)) {
    const decision = checkConflict(index, customerOf(row), now);
    buffered += `${JSON.stringify({ id: row.id, verdict: decision.verdict, match: decision.match?.id ?? null, score: decision.score, reasons: decision.reasons })}\n`;
    checked += 1;
    if (buffered.length > 64_000) {
      const flushed = process.stdout.write(buffered);
      buffered = '';
      if (!flushed) await once(process.stdout, 'drain');
    }
    if (incomingProgress && checked % progressEvery === 0) progress(`checked ${checked} incoming rows`);
  }
  if (buffered !== '') process.stdout.write(buffered);
  if (incomingProgress) progress(`checked ${checked} incoming rows against ${existingCount} existing`);
  return 0;
}
