import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentZoneNames } from '@prm/core/routing/__tests__/zoneNames';

/** Runs `prm route` on files written for the test: partner rows, lead rows, and the chain. */
function route(files: { partners: string[]; leads: string[]; rules?: object }, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'prm-route-files-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const rules = files.rules ?? {
    fallback: { kind: 'direct_queue', queue: 'Inside sales' },
    rules: [{ id: 'country', sequence: 10, condition: 'country', operator: 'equals', mode: 'required' }],
  };
  const result = spawnSync(
    process.execPath,
    [
      'server/src/cli/prm.ts',
      'route',
      '--partners',
      write('partners.csv', `${files.partners.join('\n')}\n`),
      '--rules',
      write('rules.json', JSON.stringify(rules, null, 2)),
      '--leads',
      write('leads.csv', `${files.leads.join('\n')}\n`),
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return {
    ...result,
    decisions:
      result.status === 0
        ? result.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [],
  };
}
const partnerHeader = 'id,name,status,country,latitude,longitude,timeZone,specialisations';
const leadHeader = 'id,country,latitude,longitude,productInterest,receivedAt';
const oneLead = [leadHeader, 'L-1,DE,,,cloud,2026-11-02T08:00:00Z'];
const onePartner = [partnerHeader, 'P-1,Cloudwerk,active,DE,52.52,13.40,Europe/Berlin,cloud'];

/** Exit status 1 and one line naming file, line and field; never a stack trace. */
function assertRefused(result: ReturnType<typeof route>, message: RegExp) {
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('prm route: time zones in files and rules', () => {
  it("accepts today's IANA names and aliases the runtime resolves, in partners.csv and rules.json", () => {
    const result = route({
      partners: [partnerHeader, ...currentZoneNames.map((zone, i) => `P-${i},Partner ${i},active,DE,,,${zone},cloud`)],
      leads: oneLead,
      rules: { fallback: { kind: 'direct_queue', queue: 'q' }, defaultTimeZone: 'Asia/Kolkata', rules: [] },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.decisions[0].outcome, 'offer');
  });
});

describe('prm route: partner and lead files fail loudly', () => {
  it('refuses a country that is not an ISO 3166-1 alpha-2 code, naming file, line and field', () => {
    assertRefused(
      route({ partners: [partnerHeader, 'P-1,Cloudwerk,active,India,,,UTC,cloud'], leads: oneLead }),
      /partners\.csv line 2, field country: "India" is not an ISO 3166-1 alpha-2 country code; write IN/,
    );
    assertRefused(
      route({ partners: [partnerHeader, 'P-1,Cloudwerk,active,"CH,DE,LI",,,UTC,cloud'], leads: oneLead }),
      /partners\.csv line 2, field country: "CH,DE,LI" is a list; this field takes one ISO 3166-1 alpha-2 country code/,
    );
    assertRefused(
      route({ partners: onePartner, leads: [leadHeader, 'L-1,Germany,,,cloud,2026-11-02T08:00:00Z'] }),
      /leads\.csv line 2, field country: "Germany" is not an ISO 3166-1 alpha-2 country code; write DE/,
    );
  });
  it('refuses a country rule listing something other than country codes, naming the line in rules.json', () => {
    const rules = {
      fallback: { kind: 'direct_queue', queue: 'q' },
      rules: [{ id: 'dach', sequence: 10, condition: 'country', operator: 'in', value: ['CH', 'Deutschland'] }],
    };
    assertRefused(
      route({ partners: onePartner, leads: oneLead, rules }),
      /rules\.json line \d+, field rules\.0\.value: "Deutschland" is not an ISO 3166-1 alpha-2 country code/,
    );
  });
  it('reads a country code in any case as the code', () => {
    const result = route({ partners: [partnerHeader, 'P-1,Cloudwerk,active,de,,,UTC,cloud'], leads: oneLead });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.decisions[0].partners, ['P-1']);
  });
  it('splits a list at commas as at semicolons', () => {
    const rules = {
      fallback: { kind: 'direct_queue', queue: 'q' },
      rules: [{ id: 'spec', sequence: 10, condition: 'specialisation', operator: 'equals', mode: 'required' }],
    };
    const result = route({
      partners: [
        partnerHeader,
        'P-1,Cloudwerk,active,DE,,,UTC,"cloud, security"',
        'P-2,Shield,active,DE,,,UTC,erp;security',
      ],
      leads: [leadHeader, 'L-1,DE,,,security,2026-11-02T08:00:00Z', 'L-2,DE,,,security,2026-11-02T08:00:00Z'],
      rules,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      result.decisions
        .map((decision) => decision.partners)
        .flat()
        .sort(),
      ['P-1', 'P-2'],
    );
  });
  it('refuses an unknown status instead of reading it as not active', () => {
    assertRefused(
      route({ partners: [partnerHeader, 'P-1,Cloudwerk,inactive,DE,,,UTC,cloud'], leads: oneLead }),
      /partners\.csv line 2, field status: "inactive" is not one of .*active.*suspended/,
    );
  });
  it('refuses ISO 6709 coordinates with a hint about decimal degrees', () => {
    assertRefused(
      route({ partners: [partnerHeader, 'P-1,Genève SA,active,CH,+46.2044+006.1432/,,UTC,cloud'], leads: oneLead }),
      /partners\.csv line 2, field latitude: "\+46\.2044\+006\.1432\/" is an ISO 6709 point; write decimal degrees, latitude 46\.2044 and longitude 6\.1432/,
    );
    assertRefused(
      route({ partners: onePartner, leads: [leadHeader, 'L-1,DE,95,13.4,cloud,2026-11-02T08:00:00Z'] }),
      /leads\.csv line 2, field latitude: 95 is outside -90 to 90; write decimal degrees/,
    );
  });
  it('refuses a receivedAt without a UTC offset, naming file, line and field, with exit status 1', () => {
    for (const receivedAt of ['2026-03-27 10:00', '2026-03-27T10:00', '2026-03-27T10:00:00']) {
      assertRefused(
        route({ partners: onePartner, leads: [leadHeader, `L-1,DE,,,cloud,${receivedAt}`] }),
        new RegExp(
          `leads\\.csv line 2, field receivedAt: "${receivedAt}" has no UTC offset; write the instant with one`,
        ),
      );
    }
    assertRefused(
      route({ partners: onePartner, leads: [leadHeader, 'L-1,DE,,,cloud,2026-02-30T10:00:00Z'] }),
      /leads\.csv line 2, field receivedAt: "2026-02-30T10:00:00Z" is not an ISO 8601 instant/,
    );
    assertRefused(
      route({ partners: onePartner, leads: oneLead }, ['--now', '2026-03-27 10:00']),
      /--now: "2026-03-27 10:00" has no UTC offset/,
    );
  });
  it('reads a receivedAt with an offset as that instant for the offer and the SLA', () => {
    const result = route({ partners: onePartner, leads: [leadHeader, 'L-1,DE,,,cloud,2026-11-02T16:00:00+01:00'] });
    assert.equal(result.status, 0, result.stderr);
    // 16:00 in Berlin, the default 24 h SLA in hours 09:00-17:00: 1 h on Monday, 8 + 8, then 7 on Thursday.
    assert.deepEqual(result.decisions[0].offers, [
      { partner: 'P-1', offeredAt: '2026-11-02T16:00:00+01:00', respondBy: '2026-11-05T15:00:00Z' },
    ]);
  });
});
