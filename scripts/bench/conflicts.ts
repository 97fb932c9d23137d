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
import { seededRandom } from '../../shared/src/seededRandom.ts';
import { checkConflictsByScan, prepareCustomer, type KnownCustomerRecord } from '../../shared/src/deals/conflicts.ts';
import {
  candidateSlots,
  checkConflict,
  createConflictIndex,
  indexedEntries,
  upsertRecord,
} from '../../shared/src/deals/conflictIndex.ts';

const syllables = [
  'al',
  'am',
  'an',
  'ba',
  'bo',
  'ca',
  'ce',
  'da',
  'di',
  'do',
  'el',
  'em',
  'fa',
  'fo',
  'ga',
  'go',
  'ha',
  'hel',
  'is',
  'ka',
  'ki',
  'la',
  'le',
  'li',
  'lo',
  'ma',
  'me',
  'mi',
  'mo',
  'na',
  'ne',
  'ni',
  'no',
  'pa',
  'pe',
  'po',
  'ra',
  're',
  'ri',
  'ro',
  'sa',
  'se',
  'si',
  'so',
  'ta',
  'te',
  'ti',
  'to',
  'va',
  've',
  'vi',
  'za',
  'ze',
  'quin',
  'stra',
  'tron',
  'lyx',
  'mex',
  'pho',
  'rhy',
  'sky',
  'thal',
  'bra',
  'cre',
  'dra',
  'fre',
  'gli',
  'kra',
  'pli',
  'sto',
  'zen',
  'tri',
  'vol',
  'ar',
  'ex',
  'ia',
  'on',
  'lux',
  'cor',
  'nex',
  'qua',
  'tel',
  'via',
  'mar',
  'sol',
  'ver',
  'tec',
  'dyn',
  'gen',
  'plex',
  'ora',
  'ix',
  'ent',
  'ara',
  'bel',
  'cal',
  'dor',
  'fin',
  'gal',
  'har',
  'kin',
  'lum',
  'mon',
  'nov',
  'pra',
  'rin',
  'sen',
  'tor',
  'ul',
  'vex',
  'wyn',
  'zar',
  'bri',
  'cas',
  'del',
  'fle',
  'gro',
  'ira',
  'jan',
  'kor',
];
const surnames = [
  'Smith',
  'Müller',
  'García',
  'Rossi',
  'Dubois',
  'Nakamura',
  'Kowalski',
  'Andersson',
  'Nielsen',
  'Silva',
  "O'Brien",
  'Schneider',
  'Fischer',
  'Weber',
  'Martin',
  'Bernard',
  'Moreau',
  'Laurent',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Jansen',
  'de Vries',
  'van Dijk',
  'Bakker',
  'Johansson',
  'Karlsson',
  'Virtanen',
  'Korhonen',
  'Hansen',
  'Larsen',
  'Olsen',
  'Novák',
  'Horváth',
  'Nowak',
  'Wiśniewski',
  'Yamamoto',
  'Tanaka',
  'Suzuki',
  'Kim',
  'Park',
  'Chen',
  'Wang',
  'Singh',
  'Patel',
  'Sharma',
  'Costa',
  'Santos',
  'Oliveira',
  'Pereira',
  'Murphy',
  'Kelly',
  'Walsh',
  'Taylor',
  'Brown',
  'Wilson',
  'Evans',
  'Thomas',
  'Roberts',
  'Keller',
  'Huber',
  'Baumann',
  'Steiner',
  'Brunner',
  'Gruber',
  'Lehmann',
  'Wolf',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Zimmermann',
  'Braun',
  'Hartmann',
];
const descriptors = [
  'Nordic',
  'Pacific',
  'Atlantic',
  'Alpine',
  'Blue',
  'Green',
  'Silver',
  'Golden',
  'Red',
  'Summit',
  'Pioneer',
  'Harbor',
  'River',
  'Oak',
  'Cedar',
  'Eagle',
  'Falcon',
  'Phoenix',
  'Atlas',
  'Orion',
  'Apex',
  'Vertex',
  'Quantum',
  'Bright',
  'Clear',
  'True',
  'Prime',
  'Northern',
  'Southern',
  'Western',
  'Eastern',
  'Central',
  'Coastal',
  'Metro',
  'Urban',
  'Rapid',
  'Smart',
  'Blackstone',
  'Ironwood',
  'Stonebridge',
  'Crescent',
  'Lighthouse',
  'Evergreen',
  'Redwood',
  'Maple',
  'Granite',
  'Polar',
  'Solar',
  'Lunar',
  'Stellar',
  'Horizon',
  'Meridian',
  'Keystone',
  'Liberty',
  'Heritage',
  'Sterling',
  'Crown',
  'Royal',
  'Imperial',
  'Titan',
];
const industries = [
  'Systems',
  'Logistics',
  'Foods',
  'Analytics',
  'Software',
  'Consulting',
  'Engineering',
  'Health',
  'Energy',
  'Capital',
  'Partners',
  'Labs',
  'Robotics',
  'Manufacturing',
  'Media',
  'Retail',
  'Pharma',
  'Solutions',
  'Technologies',
  'Networks',
  'Biotech',
  'Motors',
  'Insurance',
  'Realty',
  'Construction',
  'Textiles',
  'Chemicals',
  'Aviation',
  'Marine',
  'Security',
  'Dental',
  'Medical',
  'Foods & Beverages',
  'Data',
  'Cloud',
  'Digital',
  'Ventures',
  'Trading',
  'Holdings',
  'Group',
];
const cities = [
  'Hamburg',
  'Munich',
  'Lyon',
  'Milan',
  'Madrid',
  'Rotterdam',
  'Malmo',
  'Espoo',
  'Aarhus',
  'Bergen',
  'Osaka',
  'Perth',
  'Boston',
  'Denver',
  'Austin',
  'Seattle',
  'Leeds',
  'Glasgow',
  'Porto',
  'Krakow',
  'Zurich',
  'Geneva',
  'Pune',
  'Sao Paulo',
  'Toronto',
  'Dublin',
  'Vienna',
  'Prague',
  'Lisbon',
  'Turin',
];

interface CountryStyle {
  code: string;
  forms: string[];
  tld: string;
}
const countries: CountryStyle[] = [
  { code: 'US', forms: ['Inc.', 'LLC', 'Corp.', 'Corporation', 'Inc'], tld: 'com' },
  { code: 'GB', forms: ['Ltd', 'Limited', 'PLC', 'Ltd.'], tld: 'co.uk' },
  { code: 'DE', forms: ['GmbH', 'AG', 'GmbH & Co. KG', 'SE'], tld: 'de' },
  { code: 'FR', forms: ['SA', 'SAS', 'SARL', 'S.A.'], tld: 'fr' },
  { code: 'IT', forms: ['S.p.A.', 'S.r.l.', 'SpA'], tld: 'it' },
  { code: 'ES', forms: ['S.A.', 'S.L.', 'SL'], tld: 'es' },
  { code: 'NL', forms: ['B.V.', 'N.V.', 'BV'], tld: 'nl' },
  { code: 'SE', forms: ['AB', 'AB (publ)'], tld: 'se' },
  { code: 'FI', forms: ['Oy', 'Oyj'], tld: 'fi' },
  { code: 'DK', forms: ['A/S', 'ApS'], tld: 'dk' },
  { code: 'NO', forms: ['AS', 'ASA'], tld: 'no' },
  { code: 'JP', forms: ['K.K.', 'Co., Ltd.'], tld: 'co.jp' },
  { code: 'AU', forms: ['Pty Ltd', 'Pty. Ltd.'], tld: 'com.au' },
  { code: 'SG', forms: ['Pte. Ltd.', 'Pte Ltd'], tld: 'sg' },
  { code: 'BR', forms: ['Ltda.', 'S.A.'], tld: 'com.br' },
  { code: 'PL', forms: ['Sp. z o.o.', 'S.A.'], tld: 'pl' },
  { code: 'CH', forms: ['AG', 'SA', 'GmbH'], tld: 'ch' },
  { code: 'IN', forms: ['Pvt. Ltd.', 'Private Limited', 'Ltd'], tld: 'in' },
];

interface GeneratedCompany {
  name: string;
  /** The words that make up the brand, for the domain. */
  core: string;
  country: CountryStyle;
}

function makeGenerator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const brand = () => {
    const count = random() < 0.3 ? 2 : 3;
    let word = '';
    for (let i = 0; i < count; i++) word += pick(syllables);
    return word[0].toUpperCase() + word.slice(1);
  };
  return function company(): GeneratedCompany {
    const country = pick(countries);
    const roll = random();
    let core: string;
    if (roll < 0.38) core = `${brand()} ${pick(industries)}`;
    else if (roll < 0.55) core = brand();
    else if (roll < 0.7) core = `${pick(descriptors)} ${brand()} ${pick(industries)}`;
    else if (roll < 0.8) core = `${pick(surnames)} & ${pick(surnames)} ${pick(industries)}`;
    else if (roll < 0.92) core = `${pick(surnames)} ${brand()}`;
    else if (roll < 0.97) core = `${brand()} ${pick(industries)} ${pick(cities)}`;
    else core = `${pick(descriptors)} ${pick(industries)} ${pick(cities)}`;
    const name = random() < 0.9 ? `${core} ${pick(country.forms)}` : core;
    return { name, core, country };
  };
}

function domainFor(core: string, country: CountryStyle, used: Set<string>): string {
  const label = core
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '');
  let domain = `${label}.${country.tld}`;
  for (let n = 2; used.has(domain); n++) domain = `${label}${n}.${country.tld}`;
  used.add(domain);
  return domain;
}

/** Realistic ways a partner types a customer that is already known. */
function variantOf(record: KnownCustomerRecord, random: () => number): { company: string; domain: string | null } {
  const name = record.company;
  const roll = random();
  const withoutForm = name.replace(
    /\s+(Inc\.?|LLC|Corp\.?|Corporation|Ltd\.?|Limited|PLC|GmbH( & Co\. KG)?|AG|SE|SAS?|SARL|S\.A\.|S\.p\.A\.|S\.r\.l\.|SpA|S\.L\.|SL|B\.V\.|N\.V\.|BV|AB( \(publ\))?|Oyj?|A\/S|ApS|ASA?|K\.K\.|Co\., Ltd\.|Pty\.? Ltd\.?|Pte\.? Ltd\.?|Ltda\.|Sp\. z o\.o\.|Pvt\. Ltd\.|Private Limited)$/,
    '',
  );
  let company: string;
  if (roll < 0.2) company = `${withoutForm.toUpperCase()} LIMITED`;
  else if (roll < 0.4) company = withoutForm.replace(/&/g, 'and');
  else if (roll < 0.6) {
    // One typo: two neighbouring letters swapped inside the longest word.
    const words = withoutForm.split(' ');
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    const at = 1 + Math.floor(random() * Math.max(1, longest.length - 3));
    const typo =
      longest.length > 4 ? longest.slice(0, at) + longest[at + 1] + longest[at] + longest.slice(at + 2) : longest;
    company = words.map((w) => (w === longest ? typo : w)).join(' ');
  } else if (roll < 0.8) company = withoutForm.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  else company = `${withoutForm}, Inc.`;
  const domain =
    record.domain && random() < 0.5 ? `https://www.${random() < 0.5 ? 'eu.' : ''}${record.domain}/contact` : null;
  return { company, domain };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (ns: number) => ns / 1e6;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

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
      company: generated.name,
      domain: random() < 0.8 ? domainFor(generated.core, generated.country, usedDomains) : null,
      country: generated.country.code,
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

  const incoming: { id: string; company: string; domain: string | null; country: string | null; kind: string }[] = [];
  for (let i = 0; i < incomingCount; i++) {
    const roll = random();
    if (roll < 0.3) {
      const source = existing[Math.floor(random() * existingCount)];
      incoming.push({
        id: `n${i}`,
        company: source.company,
        domain: source.domain ?? null,
        country: source.country ?? null,
        kind: 'duplicate',
      });
    } else if (roll < 0.6) {
      const source = existing[Math.floor(random() * existingCount)];
      incoming.push({
        id: `n${i}`,
        ...variantOf(source, random),
        country: random() < 0.7 ? (source.country ?? null) : null,
        kind: 'variant',
      });
    } else {
      const generated = company();
      incoming.push({
        id: `n${i}`,
        company: generated.name,
        domain: null,
        country: generated.country.code,
        kind: 'new',
      });
    }
  }

  // Warm up the JIT on a few checks so the figures describe steady state.
  for (let i = 0; i < Math.min(200, incoming.length); i++) checkConflict(index, incoming[i], now);
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
        `slow: ${ms(t).toFixed(2)} ms (candidates ${candidates} in ${again.toFixed(2)} ms) ${incoming[i].kind} "${incoming[i].company}"`,
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
        `${subject.id} "${subject.company}": index ${fromIndex.verdict}/${fromIndex.match}, scan ${decision.verdict}/${decision.match?.id ?? null} "${decision.match?.company ?? ''}" ${decision.score}`,
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
