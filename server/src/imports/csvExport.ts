/**
 * Exporting one PRM object as CSV: exactly what the person may see through GET /api/<collection>
 * (the same row scope and field redaction), read page by page in id order so a million rows never sit
 * in memory, and written in the form import reads back (cells.ts), so an export round-trips.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { PrmObject } from '@prm/core/schema/object';
import { readableFields, redact, requireOperation, type Actor } from '../auth/policy.ts';
import type { Store } from '../store/database.ts';
import { listRecords, type Tx } from '../store/repository.ts';
import { valueToCell } from './cells.ts';

/** The export's columns: the record's keys and name, every field this person may read, then metadata. */
export function exportColumns(actor: Actor, object: PrmObject): string[] {
  return ['id', 'crmId', 'name', ...readableFields(actor, object), 'createdAt', 'updatedAt', 'version'];
}

/** The visible records, one page (200, the repository's largest) at a time. */
async function* visibleRows(
  store: Store,
  actor: Actor,
  object: PrmObject,
  columns: string[],
  onRows?: (rows: number) => void,
): AsyncGenerator<string[]> {
  let count = 0;
  const tx: Tx = { db: store.db, dialect: store.dialect, root: store.db };
  let after: string | undefined;
  do {
    const page = await listRecords(tx, actor, object, { after, limit: 200 });
    for (const record of page.records) {
      const visible = redact(actor, object, record);
      yield columns.map((column) => valueToCell(visible[column]));
    }
    count += page.records.length;
    onRows?.(count);
    after = page.next ?? undefined;
  } while (after);
}

/**
 * A stream of the CSV text. Pages are read as the consumer pulls, so a slow client holds no more than
 * a page. Each page is its own read: rows committed during a long export appear if their ids sort
 * after the page already sent, as with paging the API.
 */
export function exportCsv(store: Store, actor: Actor, object: PrmObject, onRows?: (rows: number) => void): Readable {
  requireOperation(actor, object, 'read');
  const columns = exportColumns(actor, object);
  const rows = Readable.from(visibleRows(store, actor, object, columns, onRows));
  const csv = stringify({ header: true, columns, record_delimiter: 'unix' });
  rows.on('error', (error) => csv.destroy(error));
  return rows.pipe(csv);
}
