/**
 * `npm run bench -- server [--seconds 10] [--connections 100] [--stores sqlite,postgres] [--only register]`:
 * autocannon against the real server (a child process) on the embedded store and on PostgreSQL —
 * registration (create + submit with the conflict check and auto-approval) and a partner's dashboard —
 * beside a baseline measured in the same run (GET /api/auth/me: sign-in and routing only), and the
 * machine's ceiling: a bare node:http server doing no work (scripts/bench/bareServer.ts).
 * Targets on the embedded store: at least 3,000 registrations/s with p99 ≤ 20 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPostgres, openSqlite, type Store } from '../../server/src/store/database.ts';
import { migrate } from '../../server/src/store/migrate.ts';
import { createApiToken, createUser } from '../../server/src/auth/identity.ts';
import { createRecord } from '../../server/src/store/repository.ts';
import { registerBusinessHooks } from '../../server/src/businessHooks.ts';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { KnownCustomerRecord } from '@prm/core/deals/conflicts';
import { seededRandom } from '@prm/core/seededRandom';
import { domainFor, makeGenerator, variantOf } from './customers.ts';
import { paced } from './paced.ts';
import { freePort, startServerProcess as startChild } from '../../server/src/serverProcess.ts';

const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A program whose partners' registrations approve themselves up to 50,000.00, and a token per partner rep. */
async function seed(store: Store, partners: number): Promise<string[]> {
  registerBusinessHooks();
  await migrate(store);
  const now = new Date();
  return store.db.transaction().execute(async (trx) => {
    const tx = { db: trx, dialect: store.dialect, root: store.db };
    const admin = await createUser(tx, now, { email: 'bench-admin@example.com', name: 'Bench', role: 'channelAdmin' });
    const program = await createRecord(tx, now, admin, objectNamed(prmObjects, 'program'), {
      name: 'Bench program',
      currency: 'USD',
    });
    const tier = await createRecord(tx, now, admin, objectNamed(prmObjects, 'tier'), {
      name: 'Gold',
      program: program.id,
      rank: 3,
      currency: 'USD',
      protectionDays: 90,
      autoApproveUpTo: 5_000_000,
    });
    const tokens: string[] = [];
    for (let i = 0; i < partners; i++) {
      const partner = await createRecord(tx, now, admin, objectNamed(prmObjects, 'partner'), {
        name: `Bench Partner ${i} GmbH`,
        program: program.id,
        tier: tier.id,
        status: 'active',
      });
      const rep = await createUser(tx, now, {
        email: `rep${i}@bench.example`,
        name: `Rep ${i}`,
        role: 'partnerRep',
        partnerId: partner.id,
      });
      tokens.push((await createApiToken(tx, now, rep, 'bench')).token);
    }
    return tokens;
  });
}

interface Figures {
  requestsPerSecond: number;
  /** The server process's CPU time (user + system) per request answered, in µs; null where /proc is absent. */
  cpuPerRequest: number | null;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * CPU time the server process has used so far (ms), from /proc/<pid>/stat: what a request costs the
 * server whatever else the machine runs, where requests/s also depends on the load generator's share.
 */
function cpuMillis(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name; in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}
const clockTicks = 100;

/** Starts counting the server's CPU time; the function it returns gives µs per request answered since. */
function cpuMeter(pid: number | undefined): (requests: number) => number | null {
  const before = cpuMillis(pid);
  return (requests) => {
    const after = cpuMillis(pid);
    return before === null || after === null || !requests ? null : ((after - before) * 1000) / requests;
  };
}

/** The headers of a request signed in with a partner rep's token. */
const headersFor = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function load(
  pid: number | undefined,
  url: string,
  tokens: string[],
  seconds: number,
  connections: number,
  request: (n: number) => { method: 'GET' | 'POST'; path: string; body?: string },
): Promise<Figures> {
  let n = 0;
  const cpuPerRequest = cpuMeter(pid);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const next = request(n);
          const token = tokens[n % tokens.length];
          n++;
          return {
            ...req,
            method: next.method,
            path: next.path,
            body: next.body,
            headers: headersFor(token),
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    cpuPerRequest: cpuPerRequest(result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Registrations as partners send them: realistic new customers (scripts/bench/customers.ts), and one in
 * ten a partner's retyping of a customer registered earlier in the run, so conflicts are found and
 * flagged too. The same sequence on every run.
 */
function registrations(seed = 42) {
  const random = seededRandom(seed);
  const company = makeGenerator(random);
  const domains = new Set<string>();
  const earlier: KnownCustomerRecord[] = [];
  return (n: number): string => {
    let customer: { customerName: string; customerDomain: string | null; customerCountry: string };
    if (earlier.length > 20 && random() < 0.1) {
      const known = earlier[Math.floor(random() * earlier.length)];
      customer = { ...variantOf(known, random), customerCountry: known.customerCountry ?? 'DE' };
    } else {
      const made = company();
      const domain = domainFor(made.core, made.country, domains);
      earlier.push({
        id: `r${n}`,
        kind: 'registration',
        customerName: made.name,
        customerDomain: domain,
        customerCountry: made.country.code,
      });
      customer = { customerName: made.name, customerDomain: domain, customerCountry: made.country.code };
    }
    return JSON.stringify({
      customerName: customer.customerName,
      customerDomain: customer.customerDomain ?? undefined,
      customerCountry: customer.customerCountry,
      opportunityName: `Opportunity ${n}`,
      currency: 'USD',
      amount: 1_000_000 + (n % 1000),
      expectedCloseOn: '2027-06-30',
    });
  };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '100' },
      stores: { type: 'string', default: 'sqlite,postgres' },
      partners: { type: 'string', default: '200' },
      only: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const rows: Array<[string, string, Figures]> = [];
  {
    // The ceiling on this machine, with the same load generator and the same registration bodies.
    const port = await freePort();
    const child = await startChild({}, port, 'scripts/bench/bareServer.ts');
    try {
      process.stderr.write(`machine: bare node:http server for ${seconds} s, ${connections} connections...\n`);
      const body = registrations();
      rows.push([
        'machine',
        'ceiling: bare node:http, no work (POST)',
        await load(child.pid, `http://127.0.0.1:${port}`, ['not-checked'], seconds, connections, (n) => ({
          method: 'POST',
          path: '/',
          body: body(n),
        })),
      ]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  for (const kind of values.stores!.split(',')) {
    const port = await freePort();
    const folder = mkdtempSync(join(tmpdir(), 'prm-bench-'));
    const database = `prm_bench_${process.pid}`;
    let env: Record<string, string>;
    let store: Store;
    // The server seals the secrets it keeps (auth/secrets.ts); on PostgreSQL it must be given the key.
    const key = { PRM_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    if (kind === 'sqlite') {
      // An inherited DATABASE_URL would win over the file.
      env = { ...key, DATABASE_URL: '', PRM_DATA_FILE: join(folder, 'prm.sqlite') };
      store = openSqlite(env.PRM_DATA_FILE);
    } else {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${database}`);
      await admin.query(`create database ${database}`);
      await admin.end();
      const url = postgresUrl.replace(/\/[^/]*$/, `/${database}`);
      env = { ...key, DATABASE_URL: url };
      store = openPostgres(url);
    }
    process.stderr.write(`${kind}: seeding ${values.partners} partners with tokens...\n`);
    const tokens = await seed(store, Number(values.partners));
    await store.close();
    const child = await startChild(env, port);
    const url = `http://127.0.0.1:${port}`;
    try {
      process.stderr.write(`${kind}: warming up...\n`);
      await load(child.pid, url, tokens, 2, 10, () => ({ method: 'GET', path: '/api/auth/me' }));
      const registrationBody = registrations();
      for (const [name, request] of [
        ['baseline: GET /api/auth/me', () => ({ method: 'GET' as const, path: '/api/auth/me' })],
        [
          'register (create + submit + conflict check)',
          (n: number) => ({
            method: 'POST' as const,
            path: '/api/deal-registrations/register',
            body: registrationBody(n),
          }),
        ],
        ["partner's dashboard read", () => ({ method: 'GET' as const, path: '/api/partners/dashboard' })],
      ] as const) {
        if (values.only && !name.startsWith('baseline') && !name.includes(values.only)) continue;
        process.stderr.write(`${kind}: ${name} for ${seconds} s, ${connections} connections...\n`);
        const saturated = await load(child.pid, url, tokens, seconds, connections, request);
        rows.push([kind, name, saturated]);
        if (name.startsWith('register')) {
          // With every connection always waiting, latency is the queue: by Little's law the mean is
          // connections / throughput, whatever the server does. Latency at a load the server sustains
          // is measured with requests sent at a steady rate (scripts/bench/paced.ts): three quarters of
          // what it answered flat out.
          const rate = Math.round(saturated.requestsPerSecond * 0.75);
          const label = `  register, steady ${rate}/s (75%)`;
          process.stderr.write(`${kind}: ${label.trim()} for ${seconds} s, up to ${connections} connections...\n`);
          let n = 0;
          const cpuPerRequest = cpuMeter(child.pid);
          const steady = await paced(url, rate, seconds, connections, () => {
            const next = request(n);
            const token = tokens[n++ % tokens.length];
            return { ...next, headers: headersFor(token) };
          });
          rows.push([
            kind,
            label,
            {
              requestsPerSecond: steady.sent / seconds,
              cpuPerRequest: cpuPerRequest(steady.sent),
              p50: steady.p50,
              p99: steady.p99,
              non2xx: steady.failed,
              errors: 0,
            },
          ]);
        }
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(folder, { recursive: true, force: true });
      if (kind !== 'sqlite') {
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`drop database if exists ${database}`);
        await admin.end();
      }
    }
  }
  console.log(
    `\n${'store'.padEnd(9)} ${'endpoint'.padEnd(46)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)} ${'vs baseline'.padStart(12)} ${'CPU µs/req'.padStart(11)}`,
  );
  for (const [kind, name, figures] of rows) {
    const baseline = rows.find(([k, n]) => k === kind && n.startsWith('baseline'))?.[2];
    console.log(
      `${kind.padEnd(9)} ${name.padEnd(46)} ${figures.requestsPerSecond.toFixed(0).padStart(8)} ${String(figures.p50).padStart(7)} ${String(figures.p99).padStart(7)} ${String(figures.non2xx + figures.errors).padStart(8)} ${baseline ? `${(figures.requestsPerSecond / baseline.requestsPerSecond).toFixed(2).padStart(11)}x` : '-'.padStart(12)} ${(figures.cpuPerRequest === null ? '-' : figures.cpuPerRequest.toFixed(0)).padStart(11)}`,
    );
  }
  const register = rows.find(([k, n]) => k === 'sqlite' && n.startsWith('register'));
  if (register) {
    const [, , f] = register;
    const steady = rows.find(([k, n]) => k === 'sqlite' && n.trim().startsWith('register, steady'));
    const ceiling = rows.find(([k]) => k === 'machine')![2];
    console.log(
      `\nTarget (embedded store): ≥ 3000 registrations/s: ${f.requestsPerSecond >= 3000 ? 'met' : 'NOT met'} (${f.requestsPerSecond.toFixed(0)}); p99 ≤ 20 ms: ${f.p99 <= 20 ? 'met' : 'NOT met'} (${f.p99} ms flat out${steady ? `; ${steady[2].p99} ms at a steady ${steady[2].requestsPerSecond.toFixed(0)}/s` : ''})`,
    );
    console.log(
      `Ceiling of this machine: a bare node:http server doing no work answers ${ceiling.requestsPerSecond.toFixed(0)} requests/s with p99 ${ceiling.p99} ms at ${connections} connections.`,
    );
  }
}
