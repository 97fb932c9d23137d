/** The auto-numbered names of records (`DR-000123`), from a counter row per object. */
import type { PrmObject } from '@prm/core/schema/object';
import type { Db } from './database.ts';
import { onRollback, type Tx } from './groupCommit.ts';
import { runPrepared } from './statements.ts';

/**
 * Auto-numbers on the embedded store are reserved in blocks: its one connection runs every write in
 * turn, so numbers kept in memory are handed out in order as surely as the counter row would, and a
 * registration saves a statement. The blocks are dropped whenever anything on the connection is rolled
 * back (a reservation may have gone with it), so no number is ever handed out twice; numbers of a
 * block left when the server stops are skipped, as CRMs' auto-numbers skip too. PostgreSQL's
 * transactions run side by side, so there each number is taken under the counter row's lock.
 */
const nameBlockSize = 32;
const nameBlocks = new WeakMap<Db, Map<string, { next: number; last: number }>>();

function blocksOf(root: Db): Map<string, { next: number; last: number }> {
  let blocks = nameBlocks.get(root);
  if (!blocks) {
    const created = new Map<string, { next: number; last: number }>();
    nameBlocks.set(root, created);
    onRollback(root, () => created.clear());
    blocks = created;
  }
  return blocks;
}

async function takeCounter(tx: Tx, objectName: string, count: number): Promise<number> {
  // Insert-or-increment under the row lock, so concurrent creations never share a number.
  const { rows } = await runPrepared(tx, 'next-name', [objectName, count, count], (db, [object, value, increment]) =>
    db
      .insertInto('name_counter')
      .values({ object, value })
      .onConflict((oc) =>
        oc.column('object').doUpdateSet((eb) => ({ value: eb('name_counter.value', '+', increment) })),
      )
      .returning('value'),
  );
  return Number(rows[0].value);
}

async function nextNumber(tx: Tx, objectName: string): Promise<number> {
  if (tx.dialect !== 'sqlite' || !tx.root) return takeCounter(tx, objectName, 1);
  const blocks = blocksOf(tx.root);
  let block = blocks.get(objectName);
  if (!block || block.next > block.last) {
    const last = await takeCounter(tx, objectName, nameBlockSize);
    block = { next: last - nameBlockSize + 1, last };
    blocks.set(objectName, block);
  }
  return block.next++;
}

export async function nextName(tx: Tx, object: PrmObject): Promise<string | undefined> {
  const nameField = object.nameField;
  if (!nameField || !('autoNumber' in nameField)) return undefined;
  const value = await nextNumber(tx, object.name);
  return nameField.autoNumber.replace(/\{(0+)\}/, (_, zeros: string) => String(value).padStart(zeros.length, '0'));
}
