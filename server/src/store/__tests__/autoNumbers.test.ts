/**
 * Auto-numbered names (DR-000001, ...): on the embedded store they are handed out from blocks kept in
 * memory. Whatever is rolled back — one piece of work in a group commit, a whole transaction begun
 * elsewhere — no number is ever given twice, and numbers stay in the order records were written. A
 * second connection to the same file (the `prm` command beside the server) never takes the server's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { Actor } from '../../auth/policy.ts';
import { createUser } from '../../auth/identity.ts';
import { openSqlite, type Store } from '../database.ts';
import { migrate } from '../migrate.ts';
import { createRecord, type Tx } from '../repository.ts';
import { validInput } from './fixtures.ts';
import { postgresTestStore } from './stores.ts';

const nps = objectNamed(prmObjects, 'npsResponse');

async function setUp(store: Store): Promise<{ admin: Actor; partnerId: string }> {
  const now = new Date('2026-11-26T10:00:00Z');
  const tx: Tx = { db: store.db, dialect: store.dialect, root: store.db };
  const admin = await createUser(tx, now, { email: 'admin@numbers.example', name: 'Admin', role: 'channelAdmin' });
  const program = await createRecord(tx, now, admin, objectNamed(prmObjects, 'program'), {
    name: 'Program',
    currency: 'USD',
  });
  const partner = await createRecord(tx, now, admin, objectNamed(prmObjects, 'partner'), {
    ...validInput(objectNamed(prmObjects, 'partner'), 1, () => program.id),
    program: program.id,
    tier: null,
  });
  return { admin, partnerId: partner.id };
}

function response(admin: Actor, partnerId: string) {
  return (tx: Tx) =>
    createRecord(tx, new Date(), admin, nps, { partner: partnerId, score: 9, respondedAt: '2026-11-26T10:00:00Z' });
}

/** The names in the order the records were written (the audit log's ids are assigned in commit order). */
async function names(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('audit_log')
    .innerJoin('nps_response', 'nps_response.id', 'audit_log.record_id')
    .select('nps_response.name')
    .where('audit_log.object', '=', 'npsResponse')
    .orderBy('audit_log.id')
    .execute();
  return rows.map((row) => String(row.name));
}

const numberOf = (name: string) => Number(/(\d+)$/.exec(name)![1]);

describe('auto-numbered names on the embedded store', () => {
  let folder: string;
  let store: Store;
  let admin: Actor;
  let partnerId: string;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'prm-numbers-'));
    store = openSqlite(join(folder, 'prm.sqlite'));
    await migrate(store);
    ({ admin, partnerId } = await setUp(store));
  });
  after(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('never repeats a number when a piece of work or a whole transaction is rolled back', async () => {
    const create = response(admin, partnerId);
    // Failures big enough to reserve numbers of their own before they are rolled back.
    const failing = async (tx: Tx) => {
      for (let i = 0; i < 40; i++) await create(tx);
      throw new Error('the rules refused it after the records were made');
    };
    // One batch: successes around failures, each failure rolled back to its savepoint alone.
    const batch = Array.from({ length: 60 }, (_, i) => store.transaction(i % 7 === 3 ? failing : create));
    const outcomes = await Promise.allSettled(batch);
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 9);
    // A transaction begun outside the group commit that creates records and then fails.
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        const tx = { db: trx, dialect: store.dialect, root: store.db };
        for (let i = 0; i < 70; i++) await create(tx);
        throw new Error('an import that failed half-way');
      }),
    );
    for (let i = 0; i < 40; i++) await store.transaction(create);
    const written = await names(store);
    assert.equal(written.length, 51 + 40);
    assert.equal(new Set(written).size, written.length, 'every name is different');
    const numbers = written.map(numberOf);
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
      'numbers follow the order records were written',
    );
  });

  it('shares the counter with a second connection to the same file', async () => {
    const other = openSqlite(join(folder, 'prm.sqlite'));
    try {
      const create = response(admin, partnerId);
      for (let i = 0; i < 10; i++) {
        await store.transaction(create);
        await other.transaction(create);
      }
      const written = await names(store);
      assert.equal(new Set(written).size, written.length, 'no number is given by both connections');
    } finally {
      await other.close();
    }
  });
});

describe('auto-numbered names on PostgreSQL', () => {
  it('are taken one at a time under the counter row, and consecutive', async () => {
    const { store, dispose } = await postgresTestStore();
    try {
      const { admin, partnerId } = await setUp(store);
      await Promise.all(Array.from({ length: 20 }, () => store.transaction(response(admin, partnerId))));
      const numbers = (await names(store)).map(numberOf).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 20 }, (_, i) => numbers[0] + i),
      );
    } finally {
      await dispose();
    }
  });
});
