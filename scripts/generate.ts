/**
 * `npm run generate`: writes every CRM's data model, the TypeScript types and validators, and the next
 * SQL migration from the schema. `--check` writes nothing and fails when the committed files drift.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { prmObjects } from '@prm/core/schema/registry';
import { findDrift, generateAll } from './generate/all.ts';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');

try {
  const files = generateAll(prmObjects, root);
  const drift = findDrift(files, root);
  const total = drift.missing.length + drift.changed.length + drift.stale.length;
  if (check) {
    if (total === 0) {
      console.log(`Generated files match the schema (${files.length} files).`);
    } else {
      const list = (label: string, paths: string[]) => paths.map((p) => `  ${label} ${p}`).join('\n');
      console.error(
        `Generated files drift from the schema: ${total} file(s) differ. Run npm run generate and commit the result.\n` +
          [list('missing', drift.missing), list('changed', drift.changed), list('stale  ', drift.stale)]
            .filter(Boolean)
            .join('\n'),
      );
      process.exitCode = 1;
    }
  } else {
    for (const path of drift.stale) rmSync(join(root, path));
    for (const file of files) {
      if (!drift.missing.includes(file.path) && !drift.changed.includes(file.path)) continue;
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), file.content);
    }
    console.log(
      `Generated ${files.length} files: ${drift.missing.length} new, ${drift.changed.length} changed, ${drift.stale.length} removed.`,
    );
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
