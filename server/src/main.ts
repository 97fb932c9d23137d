/**
 * `npm start`. Today it prepares the embedded store (./data/prm.sqlite, or PRM_DATA_FILE), applies the
 * generated migrations and reports what it holds; the HTTP server, its API and the demo program are
 * built on this store next (see the README's "What runs today").
 */
import { resolve } from 'node:path';
import { prmObjects } from '../../shared/src/schema/registry.ts';
import { sqlTableName } from '../../shared/src/hosts/sql.ts';
import { openEmbeddedStore } from './store/sqlite.ts';

const file = resolve(process.env.PRM_DATA_FILE ?? 'data/prm.sqlite');
const { db, applied } = await openEmbeddedStore(file);
console.log(`Embedded store: ${file}`);
console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Migrations: up to date.');
const rows = prmObjects.map((object) => {
  const { count } = db.prepare(`select count(*) as count from "${sqlTableName(object)}"`).get() as { count: number };
  return `  ${object.label.padEnd(26)} ${sqlTableName(object).padEnd(28)} ${count} records`;
});
console.log(`PRM objects (${prmObjects.length}):\n${rows.join('\n')}`);
db.close();
