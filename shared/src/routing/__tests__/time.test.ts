import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../errors.ts';
import { parseRoutingChain, routingChain } from '../rules.ts';
import { slaDeadline } from '../businessHours.ts';
import { compileRouting } from '../compile.ts';
import { decideLead } from '../route.ts';
import { newLeadRouting, offerLead } from '../offers.ts';
import { initialRoutingState } from '../state.ts';
import { currentZoneNames } from './zoneNames.ts';
import { instantMs } from '../time.ts';

const fallback = { kind: 'direct_queue', queue: 'Inside sales' };

describe('time zones', () => {
  it('accepts every zone the runtime resolves, under its current name or an alias, as the default zone', () => {
    for (const zone of currentZoneNames) {
      const chain = parseRoutingChain({ fallback, rules: [], defaultTimeZone: zone });
      assert.equal(chain.defaultTimeZone, zone);
    }
  });
  it('refuses a zone the runtime cannot resolve, naming the field', () => {
    assert.throws(
      () => parseRoutingChain({ fallback, rules: [], defaultTimeZone: 'Europe/Atlantis' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.problems.some(
          (problem) =>
            problem.field === 'defaultTimeZone' && /Europe\/Atlantis is not an IANA time zone/.test(problem.message),
        ),
    );
  });
  it('counts the SLA in the zones named today', () => {
    // Kolkata is +05:30 all year, Kathmandu +05:45: Monday 16:00 local plus 2 business hours is Tuesday 10:00.
    assert.equal(slaDeadline('2026-11-02T10:30:00Z', 2, 'Asia/Kolkata'), '2026-11-03T04:30:00Z');
    assert.equal(slaDeadline('2026-11-02T10:15:00Z', 2, 'Asia/Kathmandu'), '2026-11-03T04:15:00Z');
    assert.equal(slaDeadline('2026-11-02T16:00:00Z', 2, 'Etc/UTC'), '2026-11-03T10:00:00Z');
  });
});

describe('decision and offer times', () => {
  const chain = routingChain({ rules: [], fallback: { kind: 'direct_queue', queue: 'q' } });
  const compiled = compileRouting([{ id: 'P-1', name: 'Partner', timeZone: 'Europe/Berlin' }], chain);
  const state = initialRoutingState(compiled.ids);
  const lead = { id: 'L-1' };
  const refusedWithoutOffset = (field: string) => (error: unknown) =>
    error instanceof ValidationError &&
    error.problems[0].field === field &&
    /"2026-03-27T10:00" has no UTC offset/.test(error.problems[0].message);

  it('refuses a time without a UTC offset for the capacity period and for the SLA alike', () => {
    // Read as server time for one and as partner time for the other, one lead would count in two zones.
    assert.throws(() => decideLead(compiled, lead, state, '2026-03-27T10:00'), refusedWithoutOffset('now'));
    assert.throws(
      () => offerLead(compiled, lead, newLeadRouting('L-1'), state, '2026-03-27T10:00'),
      refusedWithoutOffset('now'),
    );
    assert.throws(() => slaDeadline('2026-03-27T10:00', 8, 'Europe/Berlin'), refusedWithoutOffset('offeredAt'));
  });
  it('reads a time with an offset as that instant in both', () => {
    const step = offerLead(compiled, lead, newLeadRouting('L-1'), state, '2026-03-27T10:00+01:00');
    // 10:00 CET on a Friday plus 24 business hours: 7 on Friday, 8 on Monday (now CEST), 8 on Tuesday, 1 on Wednesday.
    assert.equal(step.routing.offers[0].respondBy, '2026-04-01T08:00:00Z');
    assert.equal(step.state.period, decideLead(compiled, lead, state, '2026-03-27T09:00:00Z').change!.period);
  });
});

describe('instants', () => {
  it('reads ISO 8601 date-times with a UTC offset, and nothing else', () => {
    assert.equal(instantMs('2026-03-27T10:00Z'), Date.UTC(2026, 2, 27, 10));
    assert.equal(instantMs('2026-03-27T10:00:30.250+01:00'), Date.UTC(2026, 2, 27, 9, 0, 30, 250));
    assert.equal(instantMs('2024-02-29T00:00:00-05:00'), Date.UTC(2024, 1, 29, 5));
    for (const refused of [
      '2026-03-27T10:00',
      '2026-03-27 10:00Z',
      '2026-02-29T10:00Z',
      '2100-02-29T10:00Z',
      '2026-04-31T10:00Z',
      '2026-13-01T10:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T23:60Z',
      '2026-03-27',
      '',
    ])
      assert.ok(Number.isNaN(instantMs(refused)), refused);
  });
});
