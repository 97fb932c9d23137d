/**
 * Splitting a period's MDF budget and knowing what is left. Amounts are integer minor units; shares
 * are rounded down so that allocations never add up to more than the budget (the few minor units
 * left over stay in the budget, unallocated).
 */
import type { FundRequest, MdfAllocation, MdfBudget, Partner, Tier } from '../generated/types.ts';
import { ValidationError } from '../errors.ts';
import type { Money } from '../money.ts';

export type BudgetToSplit = Pick<MdfBudget, 'id' | 'totalAmount' | 'currency' | 'allocationMethod'>;
export type AllocationDraft = Pick<MdfAllocation, 'mdfBudget' | 'partner' | 'currency' | 'allocatedAmount'>;

/**
 * By tier percentage: each tier's `mdfSharePercent` of the budget is shared equally by that tier's
 * active partners. Pooled budgets have no per-partner allocations: requests draw on the whole budget.
 */
export function allocateBudget(
  budget: BudgetToSplit,
  partners: readonly Pick<Partner, 'id' | 'tier' | 'status'>[],
  tiers: readonly Pick<Tier, 'id' | 'name' | 'mdfSharePercent'>[],
): AllocationDraft[] {
  if (budget.allocationMethod === 'pooled') return [];
  if (budget.allocationMethod === 'manual') {
    throw new ValidationError([
      { field: 'allocationMethod', message: 'Manual budgets are allocated by hand, not by tier.' },
    ]);
  }
  const shareTotal = tiers.reduce((sum, tier) => sum + (tier.mdfSharePercent ?? 0), 0);
  if (shareTotal > 100) {
    throw new ValidationError([
      { field: 'mdfSharePercent', message: `Tier MDF shares add up to ${shareTotal}%, more than the whole budget.` },
    ]);
  }
  const allocations: AllocationDraft[] = [];
  for (const tier of tiers) {
    const members = partners.filter((partner) => partner.tier === tier.id && partner.status === 'active');
    if (members.length === 0 || !tier.mdfSharePercent) continue;
    const tierAmount = Math.floor((budget.totalAmount * tier.mdfSharePercent) / 100);
    const each = Math.floor(tierAmount / members.length);
    for (const partner of members) {
      allocations.push({ mdfBudget: budget.id, partner: partner.id, currency: budget.currency, allocatedAmount: each });
    }
  }
  return allocations;
}

export type ApprovedRequest = Pick<
  FundRequest,
  'partner' | 'mdfBudget' | 'mdfAllocation' | 'status' | 'approvedAmount'
>;

/** What can still be approved: the allocation (or, pooled, the whole budget) less approved requests. */
export function remainingBalance(
  budget: Pick<MdfBudget, 'id' | 'totalAmount' | 'currency' | 'allocationMethod'>,
  allocation: Pick<MdfAllocation, 'id' | 'allocatedAmount'> | null,
  requests: readonly (ApprovedRequest & { id?: string })[],
): Money {
  const pooled = budget.allocationMethod === 'pooled';
  if (!pooled && allocation === null) {
    throw new ValidationError([
      { field: 'mdfAllocation', message: 'This budget is allocated per partner and the partner has no allocation.' },
    ]);
  }
  const drawn = requests
    .filter((request) => request.status === 'approved' && request.mdfBudget === budget.id)
    .filter((request) => pooled || request.mdfAllocation === allocation!.id)
    .reduce((sum, request) => sum + (request.approvedAmount ?? 0), 0);
  const available = pooled ? budget.totalAmount : allocation!.allocatedAmount;
  return { amount: available - drawn, currency: budget.currency };
}
