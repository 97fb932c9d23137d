/**
 * `npm run bench -- <name> [options]`: runs scripts/bench/<name>.ts, which prints its own figures and
 * its ratios against a baseline measured in the same run. Without a name, lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const benchDir = join(import.meta.dirname, 'bench');
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => basename(file, '.ts'))
  .sort();
const [name, ...rest] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <${available.join(' | ')}> [options]`);
  process.exitCode = name ? 1 : 0;
} else {
  const bench = (await import(join(benchDir, `${name}.ts`))) as { run(argv: string[]): Promise<void> };
  await bench.run(rest);
}
