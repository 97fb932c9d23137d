/** The SLA deadline: the offer time plus N business hours, counted in the partner's own time zone. */
import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import { defaultBusinessHours, type BusinessHours } from './rules.ts';
import { requireInstantMs, timeZoneProblem } from './time.ts';

function clockTime(hhmm: string): { hour: number; minute: number; second: 0; millisecond: 0 } {
  const [hour, minute] = hhmm.split(':').map(Number);
  return { hour, minute, second: 0, millisecond: 0 };
}

/**
 * Offers made outside business hours start counting at the next opening, so a lead offered on Friday
 * evening in Berlin is due on Monday or Tuesday in Berlin, whatever the server's clock says.
 *
 * Opening and closing are wall-clock times on the partner's local date, turned into instants by luxon
 * with the zone's offset on that date, so a day of 23 or 25 hours still opens at 09:00 and closes at
 * 17:00 local time; the business time counted is the real time between them. (A time the clock skips
 * is read as the same time after the change, one hour later; a repeated one as its later occurrence.)
 */
export function slaDeadline(
  offeredAt: string,
  slaHours: number,
  timeZone: string,
  hours: BusinessHours = defaultBusinessHours,
): string {
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem !== null) throw new ValidationError([{ field: 'timeZone', message: zoneProblem }]);
  const offeredMs = requireInstantMs(offeredAt, 'offeredAt');
  if (!(slaHours > 0)) throw new ValidationError([{ field: 'slaHours', message: 'must be more than 0' }]);
  const opening = clockTime(hours.start);
  const closing = clockTime(hours.end);
  const holidays = new Set(hours.holidays ?? []);
  const isBusinessDay = (day: DateTime) => hours.days.includes(day.weekday) && !holidays.has(day.toISODate()!);
  let remainingMs = Math.round(slaHours * 60) * 60_000;
  let at = DateTime.fromMillis(offeredMs, { zone: timeZone });
  // Each pass consumes one local date at most; a year of closed days means the calendar is wrong.
  for (let guard = 0; guard < 3660; guard++) {
    const opensAt = at.set(opening);
    const closesAt = at.set(closing);
    const nextDay = at.plus({ days: 1 }).set(opening);
    if (!isBusinessDay(at) || at >= closesAt) {
      at = nextDay;
      continue;
    }
    if (at < opensAt) at = opensAt;
    const availableMs = closesAt.toMillis() - at.toMillis();
    if (remainingMs <= availableMs) {
      return at.plus({ milliseconds: remainingMs }).toUTC().toISO({ suppressMilliseconds: true })!;
    }
    remainingMs -= availableMs;
    at = nextDay;
  }
  throw new ValidationError([{ field: 'businessHours', message: 'no business day within ten years' }]);
}
