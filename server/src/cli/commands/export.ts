/**
 * `prm export <collection|object> [--out file]` and
 * `prm export metrics --from YYYY-MM --to YYYY-MM [--grain month|quarter] [--program id] [--out file]`:
 * the same CSV as GET /api/exports/..., read from the store directly (DATABASE_URL or PRM_DATA_FILE)
 * as the channel admin. CSV goes to stdout or --out; progress to stderr. Exit codes: 0 ok, 2 usage.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ValidationError } from '@prm/core/errors';
import { UsageError } from '../prm.ts';
import { exportCsv } from '../../imports/csvExport.ts';
import { metricRows, metricsCsv, type Grain } from '../../imports/metricsExport.ts';
import { objectForCollection } from '../../imports/collections.ts';
import { commandLineAdmin, openMigratedStore } from '../../imports/cliStore.ts';

export const describe = 'Export a collection as CSV, or every metric per partner and period for BI tools.';

const usage =
  'Usage: prm export <collection|object> [--out file.csv]\n       prm export metrics --from YYYY-MM --to YYYY-MM [--grain month|quarter] [--program id] [--out file.csv]';

/** A row counter on a terminal; on a pipe or a log, a plain line at most once a second. */
function progressReporter() {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'export | {value} rows | {duration}s', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0);
    return { update: (rows: number) => bar.update(rows), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    update: (rows: number) => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      process.stderr.write(`export: ${rows} rows\n`);
    },
    stop: () => undefined,
  };
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        grain: { type: 'string' },
        program: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`, 2);
  }
  const [what, ...extra] = parsed.positionals;
  if (!what || extra.length) throw new UsageError(`name one collection, or metrics.\n${usage}`, 2);
  const { out, from, to, grain, program } = parsed.values;
  const object = what === 'metrics' ? undefined : objectForCollection(what);
  if (what !== 'metrics' && !object) throw new UsageError(`there is no collection named ${what}.\n${usage}`, 2);
  if (object && (from || to || grain || program))
    throw new UsageError(`--from, --to, --grain and --program are for prm export metrics.\n${usage}`, 2);

  const store = await openMigratedStore();
  const progress = progressReporter();
  try {
    let csv: Readable;
    let written: string;
    if (object) {
      let total = 0;
      csv = exportCsv(store, commandLineAdmin, object, (rows) => {
        total = rows;
        progress.update(rows);
      });
      written = `${object.name}`;
      csv.on('end', () => (written = `${total} ${object.pluralLabel.toLowerCase()}`));
    } else {
      const rows = await metricRows(store, commandLineAdmin, {
        from: from ?? '',
        to: to ?? '',
        grain: (grain ?? 'month') as Grain,
        program,
      }).catch((error: unknown) => {
        if (error instanceof ValidationError)
          throw new UsageError(`${error.problems.map((p) => `--${p.field} ${p.message}`).join('; ')}\n${usage}`, 2);
        throw error;
      });
      progress.update(rows.length);
      csv = metricsCsv(rows);
      written = `${rows.length} metric rows`;
    }
    await pipeline(csv, out ? createWriteStream(out) : process.stdout, { end: Boolean(out) });
    progress.stop();
    if (out) process.stderr.write(`exported ${written} to ${out}\n`);
    return 0;
  } finally {
    progress.stop();
    await store.close();
  }
}
