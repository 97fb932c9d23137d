import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { rowCount, testStores } from '../../store/__tests__/stores.ts';
import type { Store } from '../../store/database.ts';
import type { Actor } from '../../auth/policy.ts';
import { importCsv } from '../csvImport.ts';
import { ImportFileError } from '../importReport.ts';

const admin: Actor = {
  userId: 'test-admin',
  name: 'Test Admin',
  email: 'a@x.test',
  role: 'channelAdmin',
  partnerId: null,
};
const partner = objectNamed(prmObjects, 'partner');
const now = () => new Date('2026-11-26T10:00:00Z');

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`importCsv on its own (${dialect})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const partners = () => rowCount(store.db, 'partner');

    before(async () => ({ store, dispose } = await testStores[dialect]()));
    after(() => dispose());

    it('reports every row with the wrong number of cells by the line it starts on, not just the first', async () => {
      const csv = 'name,country\nOne,DE\nTwo\nThree,FR,extra\n"Four\nlines",US,x\n';
      const report = await importCsv(store, Readable.from([csv]), { actor: admin, object: partner, now });
      assert.equal(report.status, 'rejected');
      assert.deepEqual(report.errors, [
        { line: 3, field: '(row)', message: 'has 1 cells but the header has 2 columns' },
        { line: 4, field: '(row)', message: 'has 3 cells but the header has 2 columns' },
        { line: 5, field: '(row)', message: 'has 3 cells but the header has 2 columns' },
      ]);
      assert.equal(await partners(), 0);
    });

    it('lists the first errors and counts the rest', async () => {
      const rows = Array.from({ length: 150 }, (_, i) => `Partner ${i},not-a-number`).join('\n');
      const report = await importCsv(store, Readable.from([`name,leadCapacity\n${rows}\n`]), {
        actor: admin,
        object: partner,
        now,
        maxErrors: 100,
      });
      assert.equal(report.errors.length, 100);
      assert.equal(report.moreErrors, 50);
      assert.deepEqual(report.errors[0], { line: 2, field: 'leadCapacity', message: 'must be a whole number' });
      assert.equal(await partners(), 0);
    });

    it('refuses a file above the size limit without writing any of it', async () => {
      const rows = Array.from({ length: 2000 }, (_, i) => `Partner ${i},DE`).join('\n');
      await assert.rejects(
        importCsv(store, Readable.from([`name,country\n`, rows.slice(0, 20_000), rows.slice(20_000)]), {
          actor: admin,
          object: partner,
          now,
          maxBytes: 20_000,
        }),
        (error: unknown) => error instanceof ImportFileError && error.status === 413,
      );
      assert.equal(await partners(), 0);
    });
  });
}
