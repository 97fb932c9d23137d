/**
 * The two time formats routing reads, checked the same way everywhere (partner files, rules, program
 * settings, the CLI and the core): IANA time zone names, and instants (decision and offer times).
 */
import { ValidationError } from '../errors.ts';

const knownZones = new Map<string, boolean>();

/**
 * Whether the runtime can resolve the zone, under its current name or an alias. Not
 * `Intl.supportedValuesOf('timeZone')`: that lists ICU's canonical names, many of them older ones
 * (Asia/Calcutta, Europe/Kiev), so today's names (Asia/Kolkata, Europe/Kyiv, Etc/UTC) are missing.
 */
export function isTimeZone(name: string): boolean {
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(name, known);
  }
  return known;
}

/** Why a zone name is refused, or null when the runtime resolves it. */
export function timeZoneProblem(name: string): string | null {
  return isTimeZone(name) ? null : `${name} is not an IANA time zone (e.g. Europe/Berlin, Asia/Kolkata, UTC)`;
}

/**
 * An instant: an ISO 8601 date and time with a UTC offset, `2026-03-27T10:00:00Z` or
 * `2026-03-27T10:00+01:00` (seconds and fractions optional). A time without an offset is refused
 * rather than guessed: read as server time it would count capacity in one zone and, read as partner
 * time, the SLA in another.
 */
const instantShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

const digitsAt = (text: string, at: number) => (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/** The instant's milliseconds since 1970, or NaN when the text is not an instant as above. */
export function instantMs(text: string): number {
  // Every decision reads its time: a regex test and digit reads, not luxon's parser, which costs far more.
  if (!instantShape.test(text)) return Number.NaN;
  const year = Number(text.slice(0, 4));
  const month = digitsAt(text, 5);
  // Date.parse checks most fields but rolls 2026-02-30 over to March and T24:00 to the next day.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return digitsAt(text, 8) <= daysInMonth && digitsAt(text, 11) <= 23 ? Date.parse(text) : Number.NaN;
}

/** Why a text is not an instant, with the fix; null when it is one. */
export function instantProblem(text: string): string | null {
  if (!Number.isNaN(instantMs(text))) return null;
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)$/i.exec(text);
  if (local !== null) {
    return `"${text}" has no UTC offset; write the instant with one, e.g. ${local[1]}T${local[2]}Z or ${local[1]}T${local[2]}+01:00`;
  }
  return `"${text}" is not an ISO 8601 instant with a UTC offset (e.g. 2026-03-27T10:00:00Z or 2026-03-27T10:00:00+01:00)`;
}

/** The instant's milliseconds; a text that is not an instant is refused naming the field (`now`, `offeredAt`). */
export function requireInstantMs(text: string, field: string): number {
  const ms = instantMs(text);
  if (Number.isNaN(ms)) throw new ValidationError([{ field, message: instantProblem(text)! }]);
  return ms;
}
