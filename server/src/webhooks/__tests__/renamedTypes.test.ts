/**
 * Subscriptions saved before the event types were renamed: the migration rewrites each old name to the
 * name its events carry now, so a subscriber keeps receiving what it asked for.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, migrationFiles, migrationsRoot } from '../../store/migrate.ts';
import { openSqlite, type Store } from '../../store/database.ts';
import { postgresTestStore } from '../../store/__tests__/stores.ts';
import { patternProblem } from '../catalog.ts';

const renames = 'webhook_event_type_renames';

/** The old → new pairs, read from the migration itself so the test covers every line of it. */
const pairs: [string, string][] = [
  ...readFileSync(join(migrationsRoot, 'sqlite', `0011_${renames}.sql`), 'utf8').matchAll(
    /replace\("event_types", '"([^"]+)"', '"([^"]+)"'\)/g,
  ),
].map((match) => [match[1], match[2]]);

/** A migrations folder holding every migration before the renames, as a store saved then had. */
function foldersBeforeRenames(): string {
  const root = mkdtempSync(join(tmpdir(), 'prm-migrations-'));
  for (const dialect of ['sqlite', 'postgres'] as const)
    for (const file of migrationFiles(dialect).filter((name) => name < '0011_'))
      cpSync(join(migrationsRoot, dialect, file), join(root, dialect, file));
  return root;
}

describe('old event type names', () => {
  it('are each refused today, and each rewritten to a type the catalog has', () => {
    assert.ok(pairs.length >= 15, `the migration lists ${pairs.length} renames`);
    for (const [old, renamed] of pairs) {
      assert.notEqual(patternProblem(old), null, `${old} is still a type: no rename needed`);
      assert.equal(patternProblem(renamed), null, `${old} is rewritten to ${renamed}, which no event has`);
    }
  });
  it('are the same in both dialects', () => {
    const [sqlite, postgres] = ['sqlite', 'postgres'].map((dialect) =>
      readFileSync(
        join(
          migrationsRoot,
          dialect,
          readdirSync(join(migrationsRoot, dialect)).find((f) => f.includes(renames))!,
        ),
        'utf8',
      ),
    );
    assert.equal(sqlite, postgres);
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`renaming the event types of saved subscriptions on ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let oldRoot: string;
    before(async () => {
      oldRoot = foldersBeforeRenames();
      if (dialect === 'sqlite') {
        store = openSqlite(':memory:');
        dispose = () => store.close();
      } else ({ store, dispose } = await postgresTestStore({ migrated: false }));
    });
    after(async () => {
      await dispose();
      rmSync(oldRoot, { recursive: true, force: true });
    });

    it('rewrites every old name and leaves current names and patterns alone', async () => {
      await migrate(store, oldRoot);
      const saved = ['*', 'dealRegistration.approved', 'fundClaim.*', ...pairs.map(([old]) => old)];
      const at = new Date().toISOString();
      await store.db
        .insertInto('webhook_subscription')
        .values({
          id: 'sub-old',
          url: 'https://receiver.example/hook',
          event_types: JSON.stringify(saved),
          secret_sealed: 'sealed',
          created_at: at,
          updated_at: at,
        } as never)
        .execute();
      assert.deepEqual(await migrate(store), [`0011_${renames}.sql`]);
      const row = await store.db
        .selectFrom('webhook_subscription')
        .select('event_types')
        .where('id', '=', 'sub-old')
        .executeTakeFirstOrThrow();
      const types = JSON.parse(String(row.event_types)) as string[];
      assert.deepEqual(types, [
        '*',
        'dealRegistration.approved',
        'fundClaim.*',
        ...pairs.map(([, renamed]) => renamed),
      ]);
      for (const type of types) assert.equal(patternProblem(type), null, type);
    });
  });
}
