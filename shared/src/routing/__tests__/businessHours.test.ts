import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { slaDeadline } from '../businessHours.ts';

const monFri = [1, 2, 3, 4, 5];
const everyDay = [1, 2, 3, 4, 5, 6, 7];
const sunThu = [7, 1, 2, 3, 4];
const hours = (days: number[]) => ({ days, start: '09:00', end: '17:00' });

/**
 * Offers on both sides of every 2026 clock change (and Tehran's 2021 ones, as the runtime's zone data
 * knows them), business hours 09:00-17:00. The expected deadlines are UTC instants worked out by hand
 * from each zone's offsets on either side of the change, so they do not depend on the zone data.
 */
const cases: [zone: string, days: number[], offeredAt: string, slaHours: number, due: string, why: string][] = [
  // Europe/Berlin: +01:00 -> +02:00 on Sun 29 March, back on Sun 25 October.
  ['Europe/Berlin', monFri, '2026-03-27T15:00:00Z', 4, '2026-03-30T10:00:00Z', 'Fri 16:00 CET -> Mon 12:00 CEST'],
  ['Europe/Berlin', everyDay, '2026-03-28T15:00:00Z', 4, '2026-03-29T10:00:00Z', 'Sat 16:00 CET -> Sun 12:00 CEST'],
  ['Europe/Berlin', everyDay, '2026-03-29T08:00:00Z', 8, '2026-03-30T08:00:00Z', 'Sun 10:00 CEST -> Mon 10:00'],
  ['Europe/Berlin', everyDay, '2026-03-29T14:30:00Z', 1, '2026-03-30T07:30:00Z', 'Sun 16:30 CEST -> Mon 09:30'],
  ['Europe/Berlin', everyDay, '2026-10-24T14:00:00Z', 2, '2026-10-25T09:00:00Z', 'Sat 16:00 CEST -> Sun 10:00 CET'],
  ['Europe/Berlin', everyDay, '2026-10-25T09:00:00Z', 8, '2026-10-26T09:00:00Z', 'Sun 10:00 CET -> Mon 10:00'],
  ['Europe/Berlin', monFri, '2026-10-23T14:00:00Z', 2, '2026-10-26T09:00:00Z', 'Fri 16:00 CEST -> Mon 10:00 CET'],
  // America/New_York: -05:00 -> -04:00 on Sun 8 March, back on Sun 1 November.
  ['America/New_York', monFri, '2026-03-06T21:00:00Z', 2, '2026-03-09T14:00:00Z', 'Fri 16:00 EST -> Mon 10:00 EDT'],
  ['America/New_York', everyDay, '2026-03-08T14:00:00Z', 8, '2026-03-09T14:00:00Z', 'Sun 10:00 EDT -> Mon 10:00'],
  ['America/New_York', everyDay, '2026-11-01T15:00:00Z', 8, '2026-11-02T15:00:00Z', 'Sun 10:00 EST -> Mon 10:00'],
  ['America/New_York', monFri, '2026-10-30T20:00:00Z', 2, '2026-11-02T15:00:00Z', 'Fri 16:00 EDT -> Mon 10:00 EST'],
  // Australia/Sydney: +11:00 -> +10:00 on Sun 5 April, +10:00 -> +11:00 on Sun 4 October.
  ['Australia/Sydney', everyDay, '2026-04-05T00:00:00Z', 8, '2026-04-06T00:00:00Z', 'Sun 10:00 AEST -> Mon 10:00'],
  ['Australia/Sydney', monFri, '2026-04-03T05:00:00Z', 2, '2026-04-06T00:00:00Z', 'Fri 16:00 AEDT -> Mon 10:00 AEST'],
  ['Australia/Sydney', everyDay, '2026-10-03T23:00:00Z', 8, '2026-10-04T23:00:00Z', 'Sun 10:00 AEDT -> Mon 10:00'],
  ['Australia/Sydney', monFri, '2026-10-02T06:00:00Z', 2, '2026-10-04T23:00:00Z', 'Fri 16:00 AEST -> Mon 10:00 AEDT'],
  // America/Santiago: -03:00 -> -04:00 at the end of Sat 4 April, -04:00 -> -03:00 at 00:00 on Sun 6 September.
  ['America/Santiago', everyDay, '2026-04-04T19:00:00Z', 2, '2026-04-05T14:00:00Z', 'Sat 16:00 -03 -> Sun 10:00 -04'],
  ['America/Santiago', everyDay, '2026-09-06T13:00:00Z', 8, '2026-09-07T13:00:00Z', 'Sun 10:00 -03 -> Mon 10:00'],
  ['America/Santiago', monFri, '2026-09-04T20:00:00Z', 2, '2026-09-07T13:00:00Z', 'Fri 16:00 -04 -> Mon 10:00 -03'],
  // Africa/Cairo, on weekdays: +02:00 -> +03:00 at 00:00 on Fri 24 April, back at the end of Thu 29 October.
  ['Africa/Cairo', monFri, '2026-04-23T14:00:00Z', 2, '2026-04-24T07:00:00Z', 'Thu 16:00 EET -> Fri 10:00 EEST'],
  ['Africa/Cairo', monFri, '2026-04-24T07:00:00Z', 8, '2026-04-27T07:00:00Z', 'Fri 10:00 EEST -> Mon 10:00'],
  ['Africa/Cairo', monFri, '2026-10-29T13:00:00Z', 2, '2026-10-30T08:00:00Z', 'Thu 16:00 EEST -> Fri 10:00 EET'],
  // Asia/Jerusalem: +02:00 -> +03:00 on Fri 27 March (a weekday), back on Sun 25 October (a working day Sun-Thu).
  ['Asia/Jerusalem', monFri, '2026-03-27T07:00:00Z', 8, '2026-03-30T07:00:00Z', 'Fri 10:00 IDT -> Mon 10:00'],
  ['Asia/Jerusalem', sunThu, '2026-10-22T13:00:00Z', 2, '2026-10-25T08:00:00Z', 'Thu 16:00 IDT -> Sun 10:00 IST'],
  ['Asia/Jerusalem', sunThu, '2026-10-25T08:00:00Z', 8, '2026-10-26T08:00:00Z', 'Sun 10:00 IST -> Mon 10:00'],
  // Asia/Tehran, 2021 (no changes since 2022): +03:30 -> +04:30 at 00:00 on Mon 22 March.
  ['Asia/Tehran', monFri, '2021-03-19T12:30:00Z', 2, '2021-03-22T05:30:00Z', 'Fri 16:00 +0330 -> Mon 10:00 +0430'],
  ['Asia/Tehran', monFri, '2021-03-22T05:30:00Z', 8, '2021-03-23T05:30:00Z', 'Mon 10:00 +0430 -> Tue 10:00'],
];

describe('SLA deadline on days whose UTC offset changes', () => {
  for (const [zone, days, offeredAt, slaHours, due, why] of cases) {
    it(`${zone}, days ${days.join('')}: ${why} (${slaHours} h from ${offeredAt})`, () => {
      assert.equal(slaDeadline(offeredAt, slaHours, zone, hours(days)), due);
    });
  }
});

// ---- property: independent of luxon, the wall clock is read through Intl ----
const clocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(ms: number, zone: string): { date: string; weekday: number; minutes: number } {
  let format = clocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    clocks.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part.weekday) + 1;
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    weekday,
    minutes: Number(part.hour) * 60 + Number(part.minute),
  };
}

const quarter = 15 * 60_000;
// Days of 2026 clock changes in the zones below, and one ordinary day.
const changeDays = ['2026-03-08', '2026-03-27', '2026-03-29', '2026-04-04', '2026-04-24', '2026-09-06', '2026-10-04'];
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'America/Santiago',
  'Africa/Cairo',
  'Asia/Jerusalem',
  'Asia/Kathmandu',
  'UTC',
];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('SLA deadline property', () => {
  it('is always inside opening hours, and the business time from offer to deadline equals the SLA', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...changeDays, '2026-11-02', '2026-10-25', '2026-11-01'),
        fc.integer({ min: -3 * 96, max: 3 * 96 }),
        fc.subarray(everyDay, { minLength: 1 }),
        // Opening hours clear of the hours the clocks change in (00:00-03:00, 23:00-24:00).
        fc.integer({ min: 16, max: 48 }),
        fc.integer({ min: 16, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (zone, day, quarters, days, startQuarter, lengthQuarters, slaQuarters) => {
          const start = startQuarter * 15;
          const end = Math.min(23 * 60, start + lengthQuarters * 15);
          const offeredMs = Date.parse(`${day}T12:00:00Z`) + quarters * quarter;
          const slaHours = slaQuarters / 4;
          const business = { days, start: hhmm(start), end: hhmm(end) };
          const dueMs = Date.parse(slaDeadline(new Date(offeredMs).toISOString(), slaHours, zone, business));
          const open = (ms: number) => {
            const clock = wallClock(ms, zone);
            return days.includes(clock.weekday) && clock.minutes >= start && clock.minutes < end;
          };
          // The minute before the deadline is open: the deadline falls inside opening hours (or at closing).
          assert.ok(open(dueMs - 60_000), `deadline ${new Date(dueMs).toISOString()} outside opening hours`);
          // Every zone here is a whole quarter hour off UTC, so open time comes in whole quarters.
          let openQuarters = 0;
          for (let at = offeredMs; at < dueMs; at += quarter) if (open(at)) openQuarters += 1;
          assert.equal(openQuarters, slaQuarters);
        },
      ),
      { numRuns: 150 },
    );
  });
});
