/**
 * `npm test`: every suite of the repository, then one line `N passed, N failed` summing them.
 * Suites: the node:test files (`**\/__tests__/**\/*.test.ts` in shared/, server/ and scripts/), and
 * each platform's own runner as those packages arrive. `npm test -- <path filter>` runs matching files only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const filter = process.argv[2];

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  exitCode: number;
}

function nodeSuite(): SuiteResult {
  const tap = join(mkdtempSync(join(tmpdir(), 'prm-test-')), 'results.tap');
  const patterns = filter
    ? [`**/${filter}*/**/*.test.ts`, `**/*${filter}*.test.ts`]
    : ['shared/**/__tests__/**/*.test.ts', 'server/**/__tests__/**/*.test.ts', 'scripts/**/__tests__/**/*.test.ts'];
  const run = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...patterns,
    ],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  const text = readFileSync(tap, 'utf8');
  const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { name: 'node:test', passed: count('pass'), failed: count('fail'), exitCode: run.status ?? 1 };
}

const results = [nodeSuite()];
let passed = 0;
let failed = 0;
for (const result of results) {
  passed += result.passed;
  failed += result.failed;
  console.log(
    `${result.name}: ${result.passed} passed, ${result.failed} failed${result.exitCode ? ` (exit ${result.exitCode})` : ''}`,
  );
  // A runner that failed without a failing test (a crash, a file that did not load) is a failure too.
  if (result.exitCode !== 0 && result.failed === 0) failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
