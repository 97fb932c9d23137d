/** A scratch copy of a generated folder, so a test can break one file and validate the copy. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export function scratchCopy(folder: string): {
  dir: string;
  edit(path: string, change: (content: string) => string): void;
  write(path: string, content: string): void;
  cleanup(): void;
} {
  const dir = join(mkdtempSync(join(tmpdir(), 'prm-validate-')), folder);
  cpSync(join(repoRoot, folder), dir, { recursive: true, filter: (source) => !source.includes('node_modules') });
  return {
    dir,
    edit(path, change) {
      const absolute = join(dir, path);
      const before = readFileSync(absolute, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`The test's edit did not change ${path}`);
      writeFileSync(absolute, after);
    },
    write(path, content) {
      writeFileSync(join(dir, path), content);
    },
    cleanup() {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    },
  };
}
