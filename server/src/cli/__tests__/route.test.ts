import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const examples = 'examples/routing';
const route = (partners: string, rules: string, leads: string) =>
  spawnSync(
    process.execPath,
    ['server/src/cli/prm.ts', 'route', '--partners', partners, '--rules', rules, '--leads', leads],
    { encoding: 'utf8' },
  );
const scratch = mkdtempSync(join(tmpdir(), 'prm-route-'));
const broken = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('prm route', () => {
  it('prints one explained decision per lead, in input order, the same on every run', () => {
    const first = route(`${examples}/partners.csv`, `${examples}/rules.json`, `${examples}/leads.csv`);
    assert.equal(first.status, 0, first.stderr);
    const decisions = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const leadIds = readFileSync(`${examples}/leads.csv`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    assert.deepEqual(
      decisions.map((decision) => decision.lead),
      leadIds,
    );
    for (const decision of decisions) {
      assert.ok(decision.outcome === 'offer' || decision.outcome === 'fallback');
      assert.ok(decision.explanation.lines.length > 0);
    }
    assert.ok(
      decisions.some((decision) => decision.fallbackReason === 'required_rule_unmatched'),
      'the Brazilian leads have no partner',
    );
    assert.ok(
      decisions.every((decision) => !decision.partners.includes('P-019')),
      'the suspended partner gets nothing',
    );
    assert.equal(
      route(`${examples}/partners.csv`, `${examples}/rules.json`, `${examples}/leads.csv`).stdout,
      first.stdout,
    );
  });
  it('names the file, line and field of a bad partner row and exits non-zero', () => {
    const lines = readFileSync(`${examples}/partners.csv`, 'utf8').split('\n');
    lines[3] = lines[3].replace(',Europe/Berlin,', ',Europe/Atlantis,');
    const result = route(broken('partners.csv', lines.join('\n')), `${examples}/rules.json`, `${examples}/leads.csv`);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /partners\.csv line 4, field timeZone: Europe\/Atlantis is not an IANA time zone/);
  });
  it('names the line and field of a bad rule in rules.json', () => {
    const text = readFileSync(`${examples}/rules.json`, 'utf8').replace(
      '"operator": "within_km"',
      '"operator": "equals"',
    );
    const result = route(`${examples}/partners.csv`, broken('rules.json', text), `${examples}/leads.csv`);
    assert.equal(result.status, 1);
    const line = text.split('\n').findLastIndex((l) => l.includes('"operator": "equals"')) + 1;
    assert.ok(
      result.stderr.includes(`rules.json line ${line}, field rules.7.operator: equals does not apply to distance`),
      result.stderr,
    );
  });
  it('names the line and field of a bad lead', () => {
    const text = readFileSync(`${examples}/leads.csv`, 'utf8').replace('L-005,', 'L-005,').replace(',250,', ',lots,');
    const result = route(`${examples}/partners.csv`, `${examples}/rules.json`, broken('leads.csv', text));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /leads\.csv line 2, field employees: "lots" is not a whole number/);
  });
});
