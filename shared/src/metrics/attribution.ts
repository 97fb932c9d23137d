/**
 * Whether a won registration counts as partner-sourced or partner-influenced revenue. The two are
 * reported apart and never summed: sourced rewards origination, influenced rewards help on the vendor's
 * own pipeline, and adding them would count a partner's contribution twice in tier criteria and ROI.
 */
import type { DealRegistration } from '../generated/types.ts';

export type Attribution = 'sourced' | 'influenced' | 'none';

export type AttributableDeal = Pick<DealRegistration, 'status' | 'attribution' | 'closedAt' | 'protectionEndsAt'>;

export function attributeDeal(deal: AttributableDeal): Attribution {
  if (deal.status !== 'won' || deal.closedAt === null) return 'none';
  if (deal.attribution === 'influenced') return 'influenced';
  // Sourced needs an approval (which sets protectionEndsAt) and a close inside that protection window;
  // a win after protection lapsed is the vendor's to attribute, so it is not sourced by default.
  if (deal.protectionEndsAt === null) return 'none';
  return Date.parse(deal.closedAt) <= Date.parse(deal.protectionEndsAt) ? 'sourced' : 'none';
}

/** Statuses a registration can only reach after it was approved. */
export const approvedStatuses: ReadonlySet<DealRegistration['status']> = new Set([
  'approved',
  'converted',
  'won',
  'lost',
  'expired',
]);
