/** OpenAPI 3.1 description of the CSV doors (routes.ts), merged into /api/docs.json by http/openapi.ts. */
import { problemResponse as problemDescribed } from '../http/openapiParts.ts';

const problemResponse = problemDescribed('A problem document (RFC 9457)');
const csv = { description: 'CSV, a header row first', content: { 'text/csv': { schema: { type: 'string' } } } };

/** OpenAPI 3.1 paths of the CSV doors, merged into /api/docs.json. */
export const importPaths: Record<string, unknown> = {
  '/api/imports/{collection}': {
    post: {
      tags: ['Import and export'],
      summary: 'Import a CSV file of one object, all or nothing (header = the API field names, plus id / crmId)',
      parameters: [
        { name: 'collection', in: 'path', required: true, schema: { type: 'string', example: 'sales-orders' } },
        { name: 'dryRun', in: 'query', schema: { type: 'boolean' }, description: 'Check and count, write nothing' },
        { name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Import a file seen before again' },
      ],
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
      responses: {
        '200': {
          description: 'The report: created / updated / unchanged rows (status imported, already imported or dry run)',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        '401': problemResponse,
        '403': problemResponse,
        '413': problemResponse,
        '415': problemResponse,
        '422': { ...problemResponse, description: 'Row errors, each `line N, column`: nothing was written' },
      },
    },
  },
  '/api/exports/{collection}': {
    get: {
      tags: ['Import and export'],
      summary: 'Export the records you can see as CSV (the same rows and fields as the API; re-importable)',
      parameters: [{ name: 'collection', in: 'path', required: true, schema: { type: 'string', example: 'invoices' } }],
      responses: {
        '200': csv,
        '401': problemResponse,
        '403': problemResponse,
        '404': problemResponse,
      },
    },
  },
  '/api/exports/metrics': {
    get: {
      tags: ['Import and export'],
      summary: 'Every metric per partner and period, one row per partner × period × metric, for BI tools',
      parameters: [
        { name: 'from', in: 'query', required: true, schema: { type: 'string', example: '2026-01' } },
        { name: 'to', in: 'query', required: true, schema: { type: 'string', example: '2026-12' } },
        { name: 'grain', in: 'query', schema: { type: 'string', enum: ['month', 'quarter'] } },
        { name: 'program', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        '200': csv,
        '401': problemResponse,
        '422': problemResponse,
      },
    },
  },
};
