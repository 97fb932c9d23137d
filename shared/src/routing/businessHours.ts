/** The SLA deadline: the offer time plus N business hours, counted in the partner's own time zone. */
import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import { defaultBusinessHours, type BusinessHours } from './rules.ts';

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * Offers made outside business hours start counting at the next opening, so a lead offered on Friday
 * evening in Berlin is due on Monday or Tuesday in Berlin, whatever the server's clock says.
 */
export function slaDeadline(
  offeredAt: string,
  slaHours: number,
  timeZone: string,
  hours: BusinessHours = defaultBusinessHours,
): string {
  let at = DateTime.fromISO(offeredAt, { zone: timeZone });
  if (!at.isValid) {
    const field = at.invalidReason === 'unsupported zone' ? 'timeZone' : 'offeredAt';
    throw new ValidationError([
      {
        field,
        message:
          field === 'timeZone' ? `${timeZone} is not an IANA time zone` : `${offeredAt} is not an ISO 8601 instant`,
      },
    ]);
  }
  if (!(slaHours > 0)) throw new ValidationError([{ field: 'slaHours', message: 'must be more than 0' }]);
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  const holidays = new Set(hours.holidays ?? []);
  const isBusinessDay = (day: DateTime) => hours.days.includes(day.weekday) && !holidays.has(day.toISODate()!);
  let remaining = Math.round(slaHours * 60);
  // Each pass consumes one business day at most; a year of closed days means the calendar is wrong.
  for (let guard = 0; guard < 3660; guard++) {
    const dayStart = at.startOf('day');
    const minuteOfDay = at.diff(dayStart, 'minutes').minutes;
    if (!isBusinessDay(at) || minuteOfDay >= close) {
      at = dayStart.plus({ days: 1 }).set({ hour: Math.floor(open / 60), minute: open % 60 });
      continue;
    }
    if (minuteOfDay < open) at = dayStart.set({ hour: Math.floor(open / 60), minute: open % 60 });
    const available = close - Math.max(open, minuteOfDay);
    if (remaining <= available) return at.plus({ minutes: remaining }).toUTC().toISO({ suppressMilliseconds: true })!;
    remaining -= available;
    at = dayStart.plus({ days: 1 }).set({ hour: Math.floor(open / 60), minute: open % 60 });
  }
  throw new ValidationError([{ field: 'businessHours', message: 'no business day within ten years' }]);
}
