import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openSqlite } from '../../store/database.ts';
import { postgresUrl } from '../../store/__tests__/stores.ts';

const root = resolve(import.meta.dirname, '../../../..');
let dir: string;
let dataFile: string;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

let databaseUrl = '';
const env = () => ({ ...process.env, PRM_DATA_FILE: dataFile, DATABASE_URL: databaseUrl });

function prm(...args: string[]) {
  const run = spawnSync(process.execPath, ['server/src/cli/prm.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: env(),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts `prm import` and kills it with SIGKILL as soon as its progress shows rows read. */
async function killMidImport(path: string): Promise<number> {
  const child = spawn(process.execPath, ['server/src/cli/prm.ts', 'import', 'sales-orders', path], {
    cwd: root,
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let rowsInFlight = 0;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr += text;
    const match = /import: (\d+) rows/.exec(stderr);
    if (match && Number(match[1]) > 0 && !rowsInFlight) {
      rowsInFlight = Number(match[1]);
      child.kill('SIGKILL');
    }
  });
  const [code, signal] = await once(child, 'exit');
  assert.equal(signal, 'SIGKILL', `the import ended by itself (${code}) before it could be killed: ${stderr}`);
  return rowsInFlight;
}

async function query<T>(work: (store: ReturnType<typeof openSqlite>) => Promise<T>): Promise<T> {
  const store = openSqlite(dataFile);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const countOrders = () =>
  query(async (store) => {
    const row = await store.db
      .selectFrom('sales_order')
      .select((eb) => [eb.fn.countAll().as('rows'), eb.fn.count('erp_order_id').distinct().as('distinct')])
      .executeTakeFirstOrThrow();
    return { rows: Number(row.rows), distinct: Number(row.distinct) };
  });

function ordersCsv(count: number, prefix: string): string {
  const lines = ['erpOrderId,name,partner,customerName,orderedOn,currency,amount,status'];
  for (let i = 0; i < count; i++)
    lines.push(
      `${prefix}-${i},SO ${prefix} ${i},${i % 2 ? 'p1' : 'p2'},"Customer ${i}, Inc.",2026-03-15,USD,${1000 + i},open`,
    );
  return `${lines.join('\n')}\n`;
}

describe('prm import and prm export', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'prm-import-'));
    dataFile = join(dir, 'prm.sqlite');
    const partners = file(
      'partners.csv',
      'id,name,country,segment,specialisations\np1,Acme Partners,DE,smb,security;cloud\np2,"Beta, Inc.",US,,\n',
    );
    const run = prm('import', 'partners', partners);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /2 rows: 2 created, 0 updated, 0 unchanged/);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('survives kill -9 in the middle of an import: nothing half-written, and the rerun imports every row once', async () => {
    const path = file('big-orders.csv', ordersCsv(50_000, 'KILL'));
    const rowsInFlight = await killMidImport(path);
    assert.ok(rowsInFlight > 0 && rowsInFlight < 50_000, `killed with ${rowsInFlight} rows read`);
    assert.deepEqual(await countOrders(), { rows: 0, distinct: 0 }, 'none of the killed import’s rows is stored');
    assert.equal(
      await query(async (store) => (await store.db.selectFrom('import_file').selectAll().execute()).length),
      1,
      'only the partners file is recorded as imported',
    );

    const rerun = prm('import', 'sales-orders', path);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, /50000 rows: 50000 created, 0 updated, 0 unchanged/);
    assert.match(rerun.stderr, /import: \d+ rows, \d+ of \d+ bytes, \d+ rows\/s/, 'progress is shown on stderr');
    assert.deepEqual(await countOrders(), { rows: 50_000, distinct: 50_000 });

    const again = prm('import', 'sales-orders', path);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already imported/);
    assert.deepEqual(await countOrders(), { rows: 50_000, distinct: 50_000 });
  });

  it('prints each row error as `line N, field: message`, exits 1 and writes nothing', async () => {
    const before = await countOrders();
    const path = file(
      'bad-orders.csv',
      [
        'erpOrderId,name,partner,customerName,orderedOn,currency,amount',
        'BAD-1,SO bad 1,p1,Fine,2026-03-15,USD,1000',
        'BAD-2,SO bad 2,p1,"Two',
        'lines",2026-03-15,USD,12.5',
        'BAD-3,SO bad 3,nobody,Fine,2026-03-15,usd,1000',
        '',
      ].join('\n'),
    );
    const run = prm('import', 'sales-orders', path);
    assert.equal(run.status, 1);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('line '));
    // The second row spans lines 3 and 4 (a quoted line break) and is reported on the line it starts on.
    assert.deepEqual(errors, [
      'line 3, amount: must be a whole number of minor units (cents), e.g. 125000 for 1,250.00',
      'line 5, currency: must be a three-letter ISO 4217 currency code such as USD',
    ]);
    assert.match(run.stderr, /nothing was written/);
    assert.deepEqual(await countOrders(), before);

    const unknown = prm('import', 'sales-orders', file('unknown-column.csv', 'erpOrderId,colour\nX,red\n'));
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^line 1, colour: is not a field of sales orders/m);
  });

  it('checks without writing on --dry-run, and answers usage errors with exit code 2', async () => {
    const before = await countOrders();
    const path = file('dry.csv', ordersCsv(10, 'DRY'));
    const dry = prm('import', 'sales-orders', path, '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /dry run of dry\.csv into salesOrder: 10 rows: 10 created/);
    assert.deepEqual(await countOrders(), before);

    for (const args of [
      ['import', 'widgets', path],
      ['import', 'sales-orders'],
      ['import', 'sales-orders', join(dir, 'missing.csv')],
      ['import', 'sales-orders', path, '--dryrun'],
      ['export', 'widgets'],
      ['export', 'sales-orders', '--from', '2026-01'],
      ['export', 'metrics', '--from', '2026-13', '--to', '2026-12'],
    ]) {
      const run = prm(...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^prm: /, args.join(' '));
    }
  });

  it('exports what it imported, and the export imports back unchanged', async () => {
    const out = join(dir, 'orders-export.csv');
    const run = prm('export', 'sales-orders', '--out', out);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /exported 50000 sales orders to /);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(
      lines[0],
      'id,crmId,name,erpOrderId,partner,opportunity,dealRegistration,customerName,orderedOn,currency,amount,status,createdAt,updatedAt,version',
    );
    assert.equal(lines.length, 50_001);
    assert.ok(lines.some((line) => line.includes(',KILL-7,p1,,,"Customer 7, Inc.",2026-03-15,USD,1007,open,')));
    const back = prm('import', 'sales-orders', out);
    assert.equal(back.status, 0, back.stderr);
    assert.match(back.stdout, /50000 rows: 0 created, 0 updated, 50000 unchanged/);

    const stdout = prm('export', 'partners');
    assert.equal(stdout.status, 0, stdout.stderr);
    assert.match(stdout.stdout, /^id,crmId,name,/);
    assert.match(stdout.stdout, /\np1,,Acme Partners,.*security;cloud/);
  });

  it('draws a progress bar when stderr is a terminal', () => {
    const path = file('tty-orders.csv', ordersCsv(2_000, 'TTY'));
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
    const run = spawnSync(
      'script',
      ['-qec', `${process.execPath} server/src/cli/prm.ts import sales-orders ${path}`, '/dev/null'],
      {
        cwd: root,
        encoding: 'utf8',
        env: env(),
      },
    );
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /import \|[\u2588\u2591]+\| 100% \| 2000 rows \| \d+\/\d+ bytes \| \d+ rows\/s/);
    assert.match(run.stdout, /2000 rows: 2000 created/);
  });

  it('exports the metrics of every partner for BI tools', async () => {
    const program = prm('import', 'programs', file('program.csv', 'name,currency\nPartner Program,USD\n'));
    assert.equal(program.status, 0, program.stderr);
    const run = prm('export', 'metrics', '--from', '2026-01', '--to', '2026-06', '--grain', 'quarter');
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'partnerId,partnerName,tier,period,periodStart,periodEnd,metric,value,unit,currency');
    assert.ok(lines.includes('p1,Acme Partners,,2026-Q1,2026-01-01,2026-04-01,registrations,0,count,'));
    assert.ok(lines.includes('p2,"Beta, Inc.",,2026-Q2,2026-04-01,2026-07-01,sourcedRevenue,0,money,USD'));
    const periods = new Set(lines.slice(1).map((line) => line.split(',').at(-7)));
    assert.equal(periods.size, 2);
  });
});

describe('prm import on PostgreSQL', () => {
  const schema = `prm_test_${randomBytes(5).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: postgresUrl });
  const ordersIn = async () => {
    const client = admin();
    await client.connect();
    try {
      const { rows } = await client.query(
        `select count(*)::int as rows, count(distinct erp_order_id)::int as distinct from ${schema}.sales_order`,
      );
      return rows[0] as { rows: number; distinct: number };
    } finally {
      await client.end();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prm-import-pg-'));
    const client = admin();
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    databaseUrl = `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const run = prm('import', 'partners', file('partners.csv', 'id,name\np1,Acme Partners\np2,Beta\n'));
    assert.equal(run.status, 0, run.stderr);
  });
  after(async () => {
    databaseUrl = '';
    rmSync(dir, { recursive: true, force: true });
    const client = admin();
    await client.connect();
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  });

  it('survives kill -9 in the middle of an import: the rerun stores every row exactly once', async () => {
    const path = file('orders.csv', ordersCsv(10_000, 'PGKILL'));
    const rowsInFlight = await killMidImport(path);
    assert.ok(rowsInFlight > 0 && rowsInFlight < 10_000, `killed with ${rowsInFlight} rows read`);
    assert.deepEqual(await ordersIn(), { rows: 0, distinct: 0 });
    const rerun = prm('import', 'sales-orders', path);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, /10000 rows: 10000 created/);
    assert.deepEqual(await ordersIn(), { rows: 10_000, distinct: 10_000 });
  });
});
