/**
 * `npm start`. Today it prepares the store (the embedded ./data/prm.sqlite, PRM_DATA_FILE, or
 * PostgreSQL at DATABASE_URL), applies the migrations and reports what it holds.
 */
import { prmObjects } from '../../shared/src/schema/registry.ts';
import { sqlTableName } from '../../shared/src/hosts/sql.ts';
import { openStore } from './store/database.ts';
import { migrate } from './store/migrate.ts';

const store = openStore();
const applied = await migrate(store);
console.log(`Store: ${store.dialect} at ${store.location}`);
console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Migrations: up to date.');
const rows = await Promise.all(
  prmObjects.map(async (object) => {
    const { count } = (await store.db
      .selectFrom(sqlTableName(object))
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow()) as { count: number | string };
    return `  ${object.label.padEnd(26)} ${sqlTableName(object).padEnd(28)} ${count} records`;
  }),
);
console.log(`PRM objects (${prmObjects.length}):\n${rows.join('\n')}`);
await store.close();
