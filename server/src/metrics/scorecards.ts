/**
 * Program metrics and partner scorecards over a period. Every figure is the core's
 * (metrics/programMetrics.ts) over the program's records (programRecords.ts).
 */
import { DateTime } from 'luxon';
import { ValidationError } from '@prm/core/errors';
import { computeMetrics, type Period, type ProgramMetrics, type Scorecard } from '@prm/core/metrics/programMetrics';
import type { Tx } from '../store/repository.ts';
import { gatherProgramRecords } from './programRecords.ts';

/** The API's inclusive `from`..`to` as the core's half-open period. */
export function periodFrom(from: string, to: string): Period {
  if (to < from) throw new ValidationError([{ field: 'to', message: 'must be on or after from' }]);
  return { start: from, end: DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 1 }).toISODate()! };
}

/** Maps do not survive JSON; the tier distribution is sent as rows. */
function programForJson(program: ProgramMetrics) {
  return {
    ...program,
    tierDistribution: [...program.tierDistribution].map(([tier, partners]) => ({ tier, partners })),
  };
}

/** The program's metrics for the period, in total and per tier. */
export async function programMetricsFor(tx: Tx, period: Period, program?: string) {
  const records = await gatherProgramRecords(tx, { program });
  const result = computeMetrics(records.input, period);
  return { program: programForJson(result.program), byTier: result.byTier };
}

export async function scorecardFor(tx: Tx, partner: string, period: Period, program?: string): Promise<Scorecard> {
  const records = await gatherProgramRecords(tx, { partner, program });
  return computeMetrics(records.input, period).scorecards[0];
}
