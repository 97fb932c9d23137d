/**
 * `npm run bench -- conflicts [--existing 1000000] [--incoming 10000] [--naive-sample 60] [--seed 42]`
 *
 * Builds the conflict index over a deterministic, realistic world of existing customers (invented brand
 * names, surnames, descriptors and industries, legal forms of many countries, country domains), then
 * checks incoming customers — exact duplicates, realistic variants and new companies — one at a time,
 * and compares with a plain linear scan using the same scorer on a sample. Targets: p99 ≤ 1 ms per
 * check, ≥ 100× faster than the scan, index ≤ 1 GB.
 * Run with `node --expose-gc scripts/bench.ts conflicts` for heap figures after garbage collection;
 * BENCH_SLOWEST=n also lists the n slowest checks with their candidate counts.
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '@prm/core/seededRandom';
import { checkConflictsByScan, prepareCustomer, type KnownCustomerRecord } from '@prm/core/deals/conflicts';
import {
  candidateSlots,
  checkConflict,
  createConflictIndex,
  indexedEntries,
  upsertRecord,
} from '@prm/core/deals/conflictIndex';

import { domainFor, makeGenerator, variantOf } from './customers.ts';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (ns: number) => ns / 1e6;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;
const warmUpChecks = 2000;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      existing: { type: 'string', default: '1000000' },
      incoming: { type: 'string', default: '10000' },
      'naive-sample': { type: 'string', default: '60' },
      seed: { type: 'string', default: '42' },
    },
  });
  const existingCount = Number(values.existing);
  const incomingCount = Number(values.incoming);
  const naiveSample = Number(values['naive-sample']);
  const random = seededRandom(Number(values.seed));
  const company = makeGenerator(random);
  const now = '2026-11-26T12:00:00.000Z';

  console.log(
    `conflicts bench: ${existingCount} existing, ${incomingCount} incoming, naive sample ${naiveSample}, seed ${values.seed}`,
  );
  gc?.();
  const baseline = process.memoryUsage();

  let started = process.hrtime.bigint();
  const usedDomains = new Set<string>();
  const existing: KnownCustomerRecord[] = new Array(existingCount);
  for (let i = 0; i < existingCount; i++) {
    const generated = company();
    existing[i] = {
      id: `c${i}`,
      kind: 'customer',
      customerName: generated.name,
      customerDomain: random() < 0.8 ? domainFor(generated.core, generated.country, usedDomains) : null,
      customerCountry: generated.country.code,
    };
  }
  usedDomains.clear();
  console.log(`generated existing records in ${(ms(Number(process.hrtime.bigint() - started)) / 1000).toFixed(1)} s`);

  gc?.();
  const beforeIndex = process.memoryUsage();
  started = process.hrtime.bigint();
  const index = createConflictIndex();
  for (const record of existing) upsertRecord(index, record);
  const buildMs = ms(Number(process.hrtime.bigint() - started));
  gc?.();
  const afterIndex = process.memoryUsage();

  type Subject = {
    id: string;
    customerName: string;
    customerDomain: string | null;
    customerCountry: string | null;
    kind: string;
  };
  /** An incoming customer: an exact duplicate, a realistic variant of a known one, or a new company. */
  const subject = (id: string): Subject => {
    const roll = random();
    if (roll < 0.3) {
      const source = existing[Math.floor(random() * existingCount)];
      return {
        id,
        customerName: source.customerName,
        customerDomain: source.customerDomain ?? null,
        customerCountry: source.customerCountry ?? null,
        kind: 'duplicate',
      };
    }
    if (roll < 0.6) {
      const source = existing[Math.floor(random() * existingCount)];
      return {
        id,
        ...variantOf(source, random),
        customerCountry: random() < 0.7 ? (source.customerCountry ?? null) : null,
        kind: 'variant',
      };
    }
    const generated = company();
    return {
      id,
      customerName: generated.name,
      customerDomain: null,
      customerCountry: generated.country.code,
      kind: 'new',
    };
  };
  const incoming: Subject[] = [];
  for (let i = 0; i < incomingCount; i++) incoming.push(subject(`n${i}`));

  // Warm up on checks of their own, made the same way but not measured (a server that has been running
  // a while has compiled its hot code), so the figures describe steady state.
  for (let i = 0; i < warmUpChecks; i++) checkConflict(index, subject(`w${i}`), now);
  const timings: number[] = [];
  // CPU time per check as well as wall time: on a shared machine a check that is descheduled for a
  // time slice shows milliseconds of wall time it never spent computing.
  const cpuTimings: number[] = [];
  const verdicts: Record<string, Record<string, number>> = {};
  const indexDecisions = new Map<string, { verdict: string; match: string | null }>();
  for (const subject of incoming) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const decision = checkConflict(index, subject, now);
    timings.push(Number(process.hrtime.bigint() - t0));
    const cpu = process.cpuUsage(c0);
    cpuTimings.push((cpu.user + cpu.system) * 1000);
    (verdicts[subject.kind] ??= {})[decision.verdict] = ((verdicts[subject.kind] ??= {})[decision.verdict] ?? 0) + 1;
    indexDecisions.set(subject.id, { verdict: decision.verdict, match: decision.match?.id ?? null });
  }
  if (process.env.BENCH_SLOWEST) {
    const slowest = timings
      .map((t, i) => [t, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, Number(process.env.BENCH_SLOWEST));
    for (const [t, i] of slowest) {
      const prepared = prepareCustomer(incoming[i]);
      const t1 = process.hrtime.bigint();
      const candidates = candidateSlots(index, prepared).size;
      const again = ms(Number(process.hrtime.bigint() - t1));
      console.log(
        `slow: ${ms(t).toFixed(2)} ms (candidates ${candidates} in ${again.toFixed(2)} ms) ${incoming[i].kind} "${incoming[i].customerName}"`,
      );
    }
  }
  timings.sort((a, b) => a - b);
  const p50 = ms(percentile(timings, 50));
  const p99 = ms(percentile(timings, 99));

  // The naive scan: the same scorer and the same decision over every prepared record.
  const entries = indexedEntries(index);
  const naiveTimings: number[] = [];
  let agree = 0;
  const disagreements: string[] = [];
  const step = Math.max(1, Math.floor(incoming.length / Math.max(1, naiveSample)));
  for (let i = 0; i < incoming.length && naiveTimings.length < naiveSample; i += step) {
    const subject = incoming[i];
    const t0 = process.hrtime.bigint();
    const decision = checkConflictsByScan(subject, entries, now);
    naiveTimings.push(Number(process.hrtime.bigint() - t0));
    const fromIndex = indexDecisions.get(subject.id)!;
    if (fromIndex.verdict === decision.verdict && fromIndex.match === (decision.match?.id ?? null)) agree += 1;
    else if (disagreements.length < 5) {
      disagreements.push(
        `${subject.id} "${subject.customerName}": index ${fromIndex.verdict}/${fromIndex.match}, scan ${decision.verdict}/${decision.match?.id ?? null} "${decision.match?.customerName ?? ''}" ${decision.score}`,
      );
    }
  }
  naiveTimings.sort((a, b) => a - b);
  const naiveP50 = ms(percentile(naiveTimings, 50));
  const ratio = naiveP50 / p50;
  const indexBytes = afterIndex.heapUsed - beforeIndex.heapUsed + (afterIndex.arrayBuffers - beforeIndex.arrayBuffers);

  console.log(
    `index build: ${(buildMs / 1000).toFixed(2)} s for ${existingCount} records (${((buildMs * 1000) / existingCount).toFixed(1)} µs per record)`,
  );
  console.log(
    `memory${gc ? ' (after gc)' : ' (no --expose-gc: heap figures include garbage)'}: index ≈ ${mb(indexBytes)} heap; heap used ${mb(afterIndex.heapUsed)} (records ${mb(beforeIndex.heapUsed - baseline.heapUsed)}), rss ${mb(afterIndex.rss)}`,
  );
  console.log(
    `check (index): p50 ${p50.toFixed(4)} ms, p99 ${p99.toFixed(4)} ms, max ${ms(timings[timings.length - 1]).toFixed(3)} ms over ${timings.length} checks`,
  );
  cpuTimings.sort((a, b) => a - b);
  console.log(
    `check (index), CPU time: p50 ${ms(percentile(cpuTimings, 50)).toFixed(4)} ms, p99 ${ms(percentile(cpuTimings, 99)).toFixed(4)} ms (process CPU, µs resolution)`,
  );
  console.log(
    `check (naive scan, same scorer): p50 ${naiveP50.toFixed(1)} ms, p99 ${ms(percentile(naiveTimings, 99)).toFixed(1)} ms over ${naiveTimings.length} sampled checks`,
  );
  console.log(`speed-up (naive p50 / index p50): ${ratio.toFixed(0)}×`);
  console.log(`agreement with the naive scan on the sample: ${agree}/${naiveTimings.length} (same verdict and match)`);
  for (const line of disagreements) console.log(`  differs: ${line}`);
  for (const [kind, counts] of Object.entries(verdicts)) console.log(`verdicts for ${kind}: ${JSON.stringify(counts)}`);
  console.log(`${p99 <= 1 ? 'PASS' : 'FAIL'} p99 ≤ 1 ms (${p99.toFixed(4)} ms)`);
  console.log(`${ratio >= 100 ? 'PASS' : 'FAIL'} ≥ 100× faster than the naive scan (${ratio.toFixed(0)}×)`);
  console.log(
    `${indexBytes <= 1024 ** 3 ? 'PASS' : 'FAIL'} index ≤ 1 GB (${mb(indexBytes)}; process rss ${mb(afterIndex.rss)})`,
  );
}
