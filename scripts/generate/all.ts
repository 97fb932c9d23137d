/** Every generator, and how their output is compared with what is committed. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Schema } from '@prm/core/schema/registry';
import { checkSchema } from '@prm/core/schema/check';
import type { GeneratedFile, Generator } from './files.ts';
import { generateTypescript, typescriptOutputs } from './typescript.ts';
import { generateSalesforce, salesforceOutputs } from './salesforce.ts';
import { generateHubspot, hubspotOutputs } from './hubspot.ts';
import { generateDataverse, dataverseOutputs } from './dataverse.ts';
import { generateSql, sqlOutputs, type ExistingMigrations } from './sql.ts';
import { databaseOutputs, generateDatabase } from './database.ts';

export const generators: Generator[] = [
  typescriptOutputs,
  salesforceOutputs,
  hubspotOutputs,
  dataverseOutputs,
  sqlOutputs,
  databaseOutputs,
];

export function listFiles(root: string, folder: string): string[] {
  const absolute = join(root, folder);
  if (!existsSync(absolute)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(absolute)) {
    const path = join(absolute, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(root, relative(root, path)));
    else found.push(relative(root, path).split('\\').join('/'));
  }
  return found.sort();
}

export function readMigrations(root: string): ExistingMigrations {
  const snapshotPath = join(root, 'server/migrations/snapshot.json');
  const snapshot = existsSync(snapshotPath) ? JSON.parse(readFileSync(snapshotPath, 'utf8')) : { tables: [] };
  const files = listFiles(root, 'server/migrations').map((path) => ({
    path,
    content: readFileSync(join(root, path), 'utf8'),
  }));
  return { snapshot, files };
}

export class SchemaInvalid extends Error {}

/** Everything the schema generates, given the migrations already committed under `root`. */
export function generateAll(schema: Schema, root: string): GeneratedFile[] {
  const problems = checkSchema(schema);
  if (problems.length) {
    throw new SchemaInvalid(
      `The schema has ${problems.length} problem(s):\n${problems.map((p) => `- ${p.object}${p.field ? `.${p.field}` : ''}: ${p.message}`).join('\n')}`,
    );
  }
  return [
    ...generateTypescript(schema),
    ...generateSalesforce(schema),
    ...generateHubspot(schema),
    ...generateDataverse(schema),
    ...generateSql(schema, readMigrations(root)),
    ...generateDatabase(schema),
  ];
}

export interface Drift {
  missing: string[];
  changed: string[];
  stale: string[];
}

/** Where the files on disk differ from what the schema generates. */
export function findDrift(files: GeneratedFile[], root: string): Drift {
  const drift: Drift = { missing: [], changed: [], stale: [] };
  const expected = new Set(files.map((f) => f.path));
  for (const file of files) {
    const path = join(root, file.path);
    if (!existsSync(path)) drift.missing.push(file.path);
    else if (readFileSync(path, 'utf8') !== file.content) drift.changed.push(file.path);
  }
  for (const generator of generators) {
    for (const folder of generator.owns) {
      for (const path of listFiles(root, folder)) if (!expected.has(path)) drift.stale.push(path);
    }
  }
  return drift;
}
