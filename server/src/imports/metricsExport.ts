/**
 * Every metric per partner and period, as long-format CSV rows for BI tools (one row per partner ×
 * period × metric). The figures come from the same code as the metrics and scorecard endpoints
 * (metrics/programRecords.ts gatherProgramRecords, core metrics/programMetrics.ts computeMetrics), so a BI
 * report and a scorecard never disagree.
 */
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { stringify } from 'csv-stringify';
import { ValidationError } from '@prm/core/errors';
import { computeMetrics, totalNames, type Period, type Scorecard } from '@prm/core/metrics/programMetrics';
import { ForbiddenError, isPartnerUser, type Actor } from '../auth/policy.ts';
import { gatherProgramRecords } from '../metrics/programRecords.ts';
import type { Store } from '../store/database.ts';
import type { Tx } from '../store/repository.ts';

export type Grain = 'month' | 'quarter';

export interface MetricsQuery {
  from: string;
  to: string;
  grain: Grain;
  program?: string;
}

export interface MetricRow {
  partnerId: string;
  partnerName: string;
  tier: string | null;
  period: string;
  periodStart: string;
  /** Exclusive: the first day after the period. */
  periodEnd: string;
  metric: string;
  value: number | null;
  unit: 'count' | 'money' | 'ratio' | 'score' | 'days';
  /** The ISO 4217 code of money metrics (values in minor units); empty otherwise. */
  currency: string;
}

export const metricColumns = [
  'partnerId',
  'partnerName',
  'tier',
  'period',
  'periodStart',
  'periodEnd',
  'metric',
  'value',
  'unit',
  'currency',
] as const;

const moneyTotals = new Set([
  'sourcedRevenue',
  'influencedRevenue',
  'mdfAllocated',
  'mdfApproved',
  'mdfClaimed',
  'mdfPaid',
  'mdfPaidFromAllocations',
  'mdfAttributedRevenue',
]);
const ratioNames = [
  'approvalRate',
  'conversionRate',
  'winRate',
  'trainingCompletionRate',
  'certificationRate',
  'mdfUtilisation',
  'mdfRoi',
] as const;

/** A BI export may span at most ten years of months. */
const maxPeriods = 120;
const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The periods from the month `from` to the month `to`, inclusive, by month or by calendar quarter. */
export function periodsOf(query: { from?: string; to?: string; grain?: string }): { label: string; period: Period }[] {
  const problems = [];
  if (!query.from || !monthPattern.test(query.from))
    problems.push({ field: 'from', message: 'is required, as a month YYYY-MM' });
  if (!query.to || !monthPattern.test(query.to))
    problems.push({ field: 'to', message: 'is required, as a month YYYY-MM' });
  const grain = query.grain ?? 'month';
  if (grain !== 'month' && grain !== 'quarter') problems.push({ field: 'grain', message: 'must be month or quarter' });
  if (problems.length) throw new ValidationError(problems);
  let start = DateTime.fromISO(`${query.from}-01`, { zone: 'utc' });
  const last = DateTime.fromISO(`${query.to}-01`, { zone: 'utc' });
  if (last < start) throw new ValidationError([{ field: 'to', message: 'must be the same month as from or later' }]);
  const step = grain === 'quarter' ? 3 : 1;
  if (grain === 'quarter') start = start.startOf('quarter');
  const periods = [];
  for (let at = start; at <= last; at = at.plus({ months: step })) {
    const label = grain === 'quarter' ? `${at.year}-Q${at.quarter}` : at.toFormat('yyyy-MM');
    periods.push({ label, period: { start: at.toISODate()!, end: at.plus({ months: step }).toISODate()! } });
    if (periods.length > maxPeriods)
      throw new ValidationError([{ field: 'to', message: `must be at most ${maxPeriods} periods after from` }]);
  }
  return periods;
}

function rowsOf(scorecard: Scorecard, partnerName: string, label: string, currency: string): MetricRow[] {
  const base = {
    partnerId: scorecard.partner,
    partnerName,
    tier: scorecard.tier,
    period: label,
    periodStart: scorecard.period.start,
    periodEnd: scorecard.period.end,
  };
  const rows: MetricRow[] = totalNames.map((metric) => {
    const money = moneyTotals.has(metric);
    return {
      ...base,
      metric,
      value: scorecard.totals[metric],
      unit: money ? 'money' : 'count',
      currency: money ? currency : '',
    };
  });
  for (const metric of ratioNames)
    rows.push({ ...base, metric, value: scorecard.rates[metric], unit: 'ratio', currency: '' });
  rows.push({ ...base, metric: 'nps', value: scorecard.rates.nps, unit: 'score', currency: '' });
  rows.push({
    ...base,
    metric: 'timeToFirstDealDays',
    value: scorecard.timeToFirstDealDays,
    unit: 'days',
    currency: '',
  });
  return rows;
}

/**
 * The metric rows this person may see: the vendor's people (who may read every scorecard through the
 * API) get every partner; a partner user gets only their own partner's.
 */
export async function metricRows(store: Store, actor: Actor, query: MetricsQuery): Promise<MetricRow[]> {
  const periods = periodsOf(query);
  const partnerUser = isPartnerUser(actor);
  if (partnerUser && !actor.partnerId)
    throw new ForbiddenError('You belong to no partner, so there is nothing to export.');
  const tx: Tx = { db: store.db, dialect: store.dialect, root: store.db };
  const records = await gatherProgramRecords(tx, {
    program: query.program,
    partner: partnerUser ? actor.partnerId! : undefined,
  });
  const names = new Map(records.partners.map((partner) => [partner.id, partner.name]));
  const rows: MetricRow[] = [];
  for (const { label, period } of periods) {
    const result = computeMetrics(records.input, period);
    for (const scorecard of result.scorecards)
      rows.push(...rowsOf(scorecard, names.get(scorecard.partner) ?? '', label, records.program.currency));
  }
  return rows;
}

/** The rows as CSV text (the rows of a program fit in memory: partners × periods × 32 numbers). */
export function metricsCsv(rows: MetricRow[]): Readable {
  const csv = stringify({ header: true, columns: [...metricColumns], record_delimiter: 'unix' });
  const source = Readable.from(rows.map((row) => metricColumns.map((column) => row[column] ?? '')));
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv);
}
