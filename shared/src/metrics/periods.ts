/** Reporting periods: calendar quarters (`2026-Q3`) and trailing twelve months, in UTC. */
import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import type { Period } from './programMetrics.ts';
import { computeMetrics, type MetricsInput, type MetricsResult } from './programMetrics.ts';

const quarterPattern = /^(\d{4})-Q([1-4])$/;

export function quarterPeriod(quarter: string): Period {
  const match = quarterPattern.exec(quarter);
  if (match === null)
    throw new ValidationError([{ field: 'quarter', message: `"${quarter}" is not a quarter like 2026-Q3.` }]);
  const start = DateTime.utc(Number(match[1]), (Number(match[2]) - 1) * 3 + 1, 1);
  return { start: start.toISODate()!, end: start.plus({ months: 3 }).toISODate()! };
}

export function quarterOf(instant: string): string {
  const at = DateTime.fromISO(instant, { zone: 'utc' });
  return `${at.year}-Q${at.quarter}`;
}

/** The twelve months up to `now`, which tier criteria are measured over. */
export function trailingTwelveMonths(now: string): Period {
  const end = DateTime.fromISO(now, { zone: 'utc' });
  return { start: end.minus({ months: 12 }).toISO()!, end: end.toISO()! };
}

export function metricsByQuarter(input: MetricsInput, quarters: readonly string[]): Map<string, MetricsResult> {
  return new Map(quarters.map((quarter) => [quarter, computeMetrics(input, quarterPeriod(quarter))]));
}
