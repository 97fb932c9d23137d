/**
 * Deals as columns (typed arrays indexed by deal, partners referred to by index), so that metrics over a
 * million registrations are one pass over numbers with no per-deal objects. Attribution and currency
 * conversion are settled once here, when the columns are built, not again in every metric.
 */
import type { DealRegistration } from '../generated/types.ts';
import { ValidationError, type FieldProblem } from '../errors.ts';
import { attributeDeal, approvedStatuses } from './attribution.ts';

/** Bits of `DealColumns.flags`. */
export const dealFlag = {
  submitted: 1,
  approved: 2,
  rejected: 4,
  won: 8,
  lost: 16,
  sourced: 32,
  influenced: 64,
} as const;

export interface DealColumns {
  count: number;
  /** Index into the partner list the columns were built with. */
  partner: Int32Array;
  flags: Uint8Array;
  /** Integer minor units of the program currency. */
  amount: Float64Array;
  /** Epoch milliseconds; NaN when unknown, which no period contains. */
  submittedAt: Float64Array;
  closedAt: Float64Array;
}

export type MetricsDeal = Pick<
  DealRegistration,
  'partner' | 'status' | 'currency' | 'amount' | 'submittedAt' | 'closedAt' | 'protectionEndsAt' | 'attribution'
>;

/**
 * Program-currency minor units per one minor unit of another currency (e.g. EUR→USD 1.08, JPY→USD 0.0067 × 100).
 * The program currency itself needs no entry.
 */
export type ExchangeRates = Readonly<Record<string, number>>;

export function emptyDealColumns(capacity: number): DealColumns {
  return {
    count: 0,
    partner: new Int32Array(capacity),
    flags: new Uint8Array(capacity),
    amount: new Float64Array(capacity),
    submittedAt: new Float64Array(capacity),
    closedAt: new Float64Array(capacity),
  };
}

export function statusFlags(deal: MetricsDeal): number {
  let flags = 0;
  if (deal.status !== 'draft') flags |= dealFlag.submitted;
  if (approvedStatuses.has(deal.status)) flags |= dealFlag.approved;
  if (deal.status === 'rejected') flags |= dealFlag.rejected;
  if (deal.status === 'won') flags |= dealFlag.won;
  if (deal.status === 'lost') flags |= dealFlag.lost;
  const attribution = attributeDeal(deal);
  if (attribution === 'sourced') flags |= dealFlag.sourced;
  if (attribution === 'influenced') flags |= dealFlag.influenced;
  return flags;
}

/**
 * Builds the columns. Deals of partners not in `partnerIds` are an error rather than silently dropped,
 * because dropping them would make the program totals disagree with the sum of the scorecards.
 */
export function dealColumnsFrom(
  deals: readonly MetricsDeal[],
  partnerIds: readonly string[],
  currency: string,
  rates: ExchangeRates = {},
): DealColumns {
  const partnerIndex = new Map(partnerIds.map((id, index) => [id, index]));
  const columns = emptyDealColumns(deals.length);
  const problems: FieldProblem[] = [];
  for (let i = 0; i < deals.length; i++) {
    const deal = deals[i];
    const index = partnerIndex.get(deal.partner);
    if (index === undefined) {
      problems.push({
        field: `deals.${i}.partner`,
        message: `Partner ${deal.partner} is not among the partners measured.`,
      });
      continue;
    }
    const rate = deal.currency === currency ? 1 : rates[deal.currency];
    if (rate === undefined) {
      problems.push({
        field: `deals.${i}.currency`,
        message: `No exchange rate from ${deal.currency} to ${currency}.`,
      });
      continue;
    }
    const at = columns.count++;
    columns.partner[at] = index;
    columns.flags[at] = statusFlags(deal);
    columns.amount[at] = Math.round(deal.amount * rate);
    columns.submittedAt[at] = deal.submittedAt === null ? NaN : Date.parse(deal.submittedAt);
    columns.closedAt[at] = deal.closedAt === null ? NaN : Date.parse(deal.closedAt);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return columns;
}
