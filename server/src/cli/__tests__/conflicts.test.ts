import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../../..');
let dir: string;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function prm(...args: string[]) {
  const run = spawnSync(process.execPath, ['server/src/cli/prm.ts', 'conflicts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const existing = [
  'id,company,domain,country',
  'e1,"Acme, Inc.",acme.com,US',
  'e2,Delta Air Lines,delta.com,US',
  'e3,Nestlé S.A.,,CH',
  'e4,"Nordwind Logistik GmbH & Co. KG",nordwind-logistik.de,DE',
  'e5,Free Mailer Co,gmail.com,',
].join('\r\n');

describe('prm conflicts', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'prm-conflicts-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON verdict per incoming row, in input order, against the existing rows only', () => {
    const incoming = file(
      'incoming.csv',
      [
        'id,company,domain,country',
        'i1,ACME Corporation,eu.acme.com,US',
        'i2,Delta Dental,,US',
        'i3,"NESTLE",,',
        'i4,Brand New Bakery,gmail.com,',
        'i5,Brand New Bakery,,',
        'i6,"Nordwind ""Logistik"" AG",,DE',
      ].join('\n') + '\n',
    );
    const run = prm('--existing', file('existing.csv', existing), '--incoming', incoming);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((l) => l.id),
      ['i1', 'i2', 'i3', 'i4', 'i5', 'i6'],
    );
    assert.deepEqual(
      lines.map((l) => [l.verdict, l.match]),
      [
        ['conflict', 'e1'],
        ['none', null],
        ['conflict', 'e3'],
        ['none', null],
        ['none', null],
        ['conflict', 'e4'],
      ],
      'i5 is not checked against i4: incoming rows never match each other; gmail.com never matches e5',
    );
    for (const line of lines) {
      assert.deepEqual(Object.keys(line), ['id', 'verdict', 'match', 'score', 'reasons']);
      assert.ok(line.score >= 0 && line.score <= 1);
      assert.ok(
        Array.isArray(line.reasons) &&
          line.reasons.length > 0 &&
          line.reasons.every((r: unknown) => typeof r === 'string'),
      );
    }
    assert.ok(lines[0].reasons.some((r: string) => r.includes('acme.com')));
    assert.equal(run.stderr, '', 'small files print no progress when stderr is not a terminal');
  });

  it('accepts empty domain and country fields and a byte-order mark', () => {
    const run = prm(
      '--existing',
      file('bom.csv', `\uFEFF${existing}`),
      '--incoming',
      file('empty.csv', 'id,company,domain,country\ni1,Acme,,\n'),
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).verdict, 'conflict');
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['a wrong header', 'id,name,domain,country\ni1,Acme,,\n', /line 1: the header must be id,company,domain,country/],
    ['an unterminated quote', 'id,company,domain,country\ni1,Acme,,\ni2,"Delta,,\n', /line 3\b.*Quote Not Closed/i],
    [
      'a wrong column count',
      'id,company,domain,country\ni1,Acme,,\ni2,Delta,delta.com\n',
      /line 3\b.*Invalid Record Length/i,
    ],
    ['an empty company', 'id,company,domain,country\ni1,,acme.com,US\n', /line 2: the company of i1 is empty/],
    ['an oversized record', `id,company,domain,country\ni1,"${'a'.repeat(70_000)}",,\n`, /line 2\b.*Max Record Size/i],
    ['a repeated id', 'id,company,domain,country\ni1,Acme,,\ni1,Delta,,\n', /line 3: id i1 already appears on line 2/],
  ];
  for (const [what, content, message] of malformed) {
    it(`rejects an incoming file with ${what}, naming the line, with a non-zero exit`, () => {
      const run = prm('--existing', file('existing.csv', existing), '--incoming', file('bad.csv', content));
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /bad\.csv/);
    });
  }

  it('rejects a malformed existing file before checking anything', () => {
    const run = prm(
      '--existing',
      file('bad-existing.csv', 'id,company,domain,country\ne1,"Acme\n'),
      '--incoming',
      file('ok.csv', 'id,company,domain,country\ni1,Acme,,\n'),
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /bad-existing\.csv line 2/);
    assert.equal(run.stdout, '');
  });

  it('explains missing options and unreadable files', () => {
    const missing = prm('--existing', file('existing.csv', existing));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /both --existing and --incoming are required/);
    const unreadable = prm(
      '--existing',
      join(dir, 'nope.csv'),
      '--incoming',
      file('ok.csv', 'id,company,domain,country\n'),
    );
    assert.equal(unreadable.status, 1);
    assert.match(unreadable.stderr, /cannot read .*nope\.csv: ENOENT/);
  });
});
