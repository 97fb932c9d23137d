/**
 * The CSV doors of the API: POST /api/imports/<collection> (text/csv, streamed from the request),
 * GET /api/exports/<collection> and GET /api/exports/metrics for BI tools. docs/integration/csv.md and
 * docs/integration/bi-export.md describe them for the people who use them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { prmObjects } from '@prm/core/schema/registry';
import type { PrmObject } from '@prm/core/schema/object';
import { restCollection } from '@prm/core/hosts/rest';
import type { Doors } from '../http/doors.ts';
import { HttpProblem } from '../http/problems.ts';
import { importCsv } from './csvImport.ts';
import { ImportFileError, type ImportReport } from './importReport.ts';
import { exportCsv } from './csvExport.ts';
import { objectForCollection } from './collections.ts';
import { metricRows, metricsCsv, type Grain } from './metricsExport.ts';

/** The largest file the API takes; larger ones go through `prm import`, which has no limit. */
export const maxImportBytes = 200 * 1024 * 1024;

function objectOrNotFound(collection: string): PrmObject {
  const object = objectForCollection(collection);
  if (!object)
    throw new HttpProblem(404, 'not-found', 'Not found', `There is no collection named ${collection}.`, [
      { field: 'collection', message: `must be one of: ${prmObjects.map(restCollection).join(', ')}` },
    ]);
  return object;
}

function rejected(report: ImportReport): HttpProblem {
  const more = report.moreErrors ? ` (and ${report.moreErrors} more)` : '';
  const problem = new HttpProblem(
    422,
    'import-rejected',
    'The file was not imported',
    `${report.errors.length + report.moreErrors} problem(s) in the file${more}; nothing was written. Each error names the CSV line (the header is line 1) and the column.`,
    report.errors.map((error) => ({ field: `line ${error.line}, ${error.field}`, message: error.message })),
  );
  return problem;
}

function sendCsv(reply: FastifyReply, fileName: string, csv: Readable) {
  return reply
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${fileName}"`)
    .header('Cache-Control', 'no-store')
    .send(csv);
}

export async function registerImportRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  await app.register(async (scope) => {
    // The file is read from the request as it arrives, never buffered whole: the parser receives
    // nothing here and the handler streams request.raw into the import.
    scope.addContentTypeParser(['text/csv', 'application/csv'], (_request, _payload, done) => done(null, undefined));

    scope.post('/api/imports/:collection', async (request, reply) => {
      const actor = doors.requireActor(request);
      const { collection } = request.params as { collection: string };
      const object = objectOrNotFound(collection);
      const type = String(request.headers['content-type'] ?? '');
      if (!/^(text|application)\/csv\b/.test(type))
        throw new HttpProblem(
          415,
          'unsupported-media-type',
          'Send the file as text/csv',
          `The body was ${type || 'untyped'}.`,
          [{ field: 'Content-Type', message: 'must be text/csv' }],
        );
      const query = request.query as Record<string, string>;
      try {
        const report = await importCsv(doors.store, request.raw, {
          actor,
          object,
          now: doors.now,
          dryRun: query.dryRun === 'true',
          force: query.force === 'true',
          fileName: typeof request.headers['x-file-name'] === 'string' ? request.headers['x-file-name'] : undefined,
          maxBytes: maxImportBytes,
        });
        if (report.status === 'rejected') throw rejected(report);
        return reply.send(report);
      } catch (error) {
        if (error instanceof ImportFileError) {
          // The rest of a too-large body is not read: the connection closes after the answer.
          if (error.status === 413) reply.header('Connection', 'close');
          throw new HttpProblem(
            error.status,
            error.status === 413 ? 'payload-too-large' : 'import-rejected',
            error.message,
            `${error.message} Nothing was written.`,
            error.problems.map((problem) => ({
              field: `line ${problem.line}, ${problem.field}`,
              message: problem.message,
            })),
          );
        }
        throw error;
      }
    });
  });

  app.get('/api/exports/metrics', async (request, reply) => {
    const actor = doors.requireActor(request);
    const query = request.query as Record<string, string>;
    const rows = await metricRows(doors.store, actor, {
      from: query.from,
      to: query.to,
      grain: (query.grain ?? 'month') as Grain,
      program: query.program,
    });
    return sendCsv(reply, `metrics-${query.from}-${query.to}.csv`, metricsCsv(rows));
  });

  app.get('/api/exports/:collection', async (request, reply) => {
    const actor = doors.requireActor(request);
    const object = objectOrNotFound((request.params as { collection: string }).collection);
    return sendCsv(reply, `${restCollection(object)}.csv`, exportCsv(doors.store, actor, object));
  });
}
