/**
 * MDF compliance, the tier criterion: a partner is compliant when every approved fund request whose
 * claim deadline has passed was claimed with proof of performance, and no claim of theirs was rejected.
 * Funds approved and never accounted for are the usual audit finding this guards against.
 */
import type { FundClaim, FundRequest, MdfBudget } from '../generated/types.ts';
import { claimDeadline } from './fundClaims.ts';

export interface ComplianceFinding {
  fundRequest: string;
  reason: string;
}

export function mdfCompliance(
  requests: readonly Pick<FundRequest, 'id' | 'mdfBudget' | 'status' | 'activityEnd' | 'activityName'>[],
  claims: readonly Pick<FundClaim, 'fundRequest' | 'status' | 'proofOfPerformanceUrl'>[],
  budgets: ReadonlyMap<string, Pick<MdfBudget, 'claimDeadlineDays'>>,
  now: string,
): { compliant: boolean; findings: ComplianceFinding[] } {
  const today = now.slice(0, 10);
  const findings: ComplianceFinding[] = [];
  for (const request of requests) {
    if (request.status !== 'approved') continue;
    const mine = claims.filter((claim) => claim.fundRequest === request.id);
    if (mine.some((claim) => claim.status === 'rejected')) {
      findings.push({ fundRequest: request.id, reason: `A claim for "${request.activityName}" was rejected.` });
      continue;
    }
    const deadline = claimDeadline(request, budgets.get(request.mdfBudget) ?? { claimDeadlineDays: null });
    const accounted = mine.some((claim) => claim.status !== 'draft' && claim.proofOfPerformanceUrl);
    if (today > deadline && !accounted) {
      findings.push({
        fundRequest: request.id,
        reason: `"${request.activityName}" was not claimed with proof of performance by ${deadline}.`,
      });
    }
  }
  return { compliant: findings.length === 0, findings };
}
