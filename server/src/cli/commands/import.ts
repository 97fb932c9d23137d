/**
 * `prm import <collection|object> <file.csv> [--dry-run] [--force]`: imports one CSV file into the
 * store directly (DATABASE_URL or PRM_DATA_FILE), all or nothing, with the same rules as
 * POST /api/imports/<collection> (server/src/imports/csvImport.ts). Exit codes: 0 imported (or
 * already imported), 1 row errors (each printed `line N, field: message`; nothing written), 2 usage.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { restCollection } from '@prm/core/hosts/rest';
import { UsageError } from '../prm.ts';
import { importCsv } from '../../imports/csvImport.ts';
import { ImportFileError, type ImportProgress, type ImportReport } from '../../imports/importReport.ts';
import { objectForCollection } from '../../imports/collections.ts';
import { commandLineAdmin, openMigratedStore } from '../../imports/cliStore.ts';

export const describe = 'Import a CSV file of partners, leads, deal registrations, opportunities, orders or invoices.';

const usage =
  'Usage: prm import <collection|object> <file.csv> [--dry-run] [--force]\n  e.g. prm import sales-orders orders.csv';

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A bar on a terminal; on a pipe or a log, a plain line at most once a second. */
function progressReporter(totalBytes: number) {
  const started = Date.now();
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'import |{bar}| {percentage}% | {rows} rows | {value}/{total} bytes | {rate} rows/s',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(totalBytes, 0, { rows: 0, rate: 0 });
    return {
      update: ({ rows, bytes }: ImportProgress) => bar.update(bytes, { rows, rate: rate(rows) }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: ({ rows, bytes }: ImportProgress) => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      process.stderr.write(`import: ${rows} rows, ${bytes} of ${totalBytes} bytes, ${rate(rows)} rows/s\n`);
    },
    stop: () => undefined,
  };
}

function summary(report: ImportReport, file: string): string {
  const counts = `${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`;
  if (report.status === 'already imported')
    return `${file} was already imported into ${report.object}; nothing written (use --force to import it again)`;
  if (report.status === 'dry run') return `dry run of ${file} into ${report.object}: ${counts}; nothing written`;
  return `imported ${file} into ${report.object}: ${counts}`;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`, 2);
  }
  const [collection, path, ...extra] = parsed.positionals;
  if (!collection || !path || extra.length) throw new UsageError(`name the collection and one file.\n${usage}`, 2);
  const object = objectForCollection(collection);
  if (!object) throw new UsageError(`there is no collection named ${collection}. ${usage}`, 2);
  const size = fileSize(path);
  const store = await openMigratedStore();
  const progress = progressReporter(size);
  try {
    const report = await importCsv(store, createReadStream(path), {
      actor: commandLineAdmin,
      object,
      now: () => new Date(),
      dryRun: parsed.values['dry-run'],
      force: parsed.values.force,
      fileName: basename(path),
      sha256: await sha256Of(path),
      onProgress: progress.update,
    });
    progress.stop();
    if (report.status === 'rejected') {
      for (const error of report.errors) console.error(`line ${error.line}, ${error.field}: ${error.message}`);
      if (report.moreErrors) console.error(`... and ${report.moreErrors} more errors`);
      console.error(
        `prm: ${basename(path)} was not imported into ${restCollection(object)}: nothing was written. Fix the rows above and run the import again.`,
      );
      return 1;
    }
    console.log(summary(report, basename(path)));
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof ImportFileError) {
      for (const problem of error.problems) console.error(`line ${problem.line}, ${problem.field}: ${problem.message}`);
      console.error(`prm: ${error.message} Nothing was written.`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
