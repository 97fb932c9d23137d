/**
 * Tier evaluation: each active partner's evidence measured from the store over the trailing twelve
 * months (metrics → tierEvidenceFrom), never taken from the client, and the tier the core proposes
 * for it. Proposals are kept in the audit log, where the grace period below a tier's criteria starts.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import type { Partner } from '@prm/core/generated/types';
import { computeMetrics } from '@prm/core/metrics/programMetrics';
import { trailingTwelveMonths } from '@prm/core/metrics/periods';
import { mdfCompliance, type ComplianceFinding } from '@prm/core/mdf/compliance';
import { tierEvidenceFrom } from '@prm/core/tiers/evidence';
import type { TierEvidence, TierRules } from '@prm/core/tiers/criteria';
import { proposeTier, type TierProposal } from '@prm/core/tiers/proposals';
import { systemActor } from '../auth/policy.ts';
import { audit, type Tx } from '../store/repository.ts';
import { listAll } from '../store/allRecords.ts';
import { gatherProgramRecords } from '../metrics/programRecords.ts';

const partnerObject = objectNamed(prmObjects, 'partner');

/** The audit action under which the daily evaluation keeps each proposal (and so its grace start). */
export const evaluationAuditAction = 'tier-evaluation';

export interface MeasuredPartner {
  partner: Pick<Partner, 'id' | 'name' | 'tier' | 'status'>;
  evidence: TierEvidence;
  mdfFindings: ComplianceFinding[];
}

/** Who the tiers apply to: active partners of the program (or not yet placed in any program). */
function inProgram(partner: Partner, programId: string): boolean {
  return partner.status === 'active' && (partner.program === null || partner.program === programId);
}

/** Trailing-twelve-month evidence of the program's active partners (or of one partner), and the program's tiers. */
export async function measurePartners(tx: Tx, now: Date, only?: string) {
  const at = now.toISOString();
  const records = await gatherProgramRecords(tx, { partner: only });
  const tiers = await listAll(tx, 'tier', { program: records.program.id });
  const metrics = computeMetrics(records.input, trailingTwelveMonths(at));
  const budgets = new Map(records.budgets.map((budget) => [budget.id, budget]));
  const group = <T extends { partner: string }>(rows: readonly T[]) => {
    const byPartner = new Map<string, T[]>();
    for (const row of rows) byPartner.set(row.partner, [...(byPartner.get(row.partner) ?? []), row]);
    return byPartner;
  };
  const requests = group(records.requests);
  const claims = group(records.claims);
  const measured: MeasuredPartner[] = [];
  for (const [index, partner] of records.partners.entries()) {
    if (!inProgram(partner, records.program.id)) continue;
    const compliance = mdfCompliance(requests.get(partner.id) ?? [], claims.get(partner.id) ?? [], budgets, at);
    measured.push({
      partner: { id: partner.id, name: partner.name, tier: partner.tier, status: partner.status },
      evidence: tierEvidenceFrom(metrics.scorecards[index], compliance.compliant),
      mdfFindings: compliance.findings,
    });
  }
  return { program: records.program, tiers: tiers as TierRules[], measured };
}

/**
 * When each partner first fell below its tier's criteria, from the latest stored evaluation. It only
 * counts while the partner still holds the tier that evaluation was about; a tier change restarts it.
 */
async function belowCriteriaSince(tx: Tx): Promise<Map<string, { from: string | null; since: string | null }>> {
  const latest = tx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('object', '=', partnerObject.name)
    .where('action', '=', evaluationAuditAction)
    .groupBy('record_id');
  const rows = await tx.db.selectFrom('audit_log').select(['record_id', 'after']).where('id', 'in', latest).execute();
  const standings = new Map<string, { from: string | null; since: string | null }>();
  for (const row of rows) {
    const proposal = (typeof row.after === 'string' ? JSON.parse(row.after) : row.after) as TierProposal | null;
    if (proposal) standings.set(row.record_id, { from: proposal.from, since: proposal.belowCriteriaSince });
  }
  return standings;
}

export interface Evaluation {
  partner: string;
  partnerName: string;
  proposal?: TierProposal;
  evidence: TierEvidence;
  mdfFindings: ComplianceFinding[];
  /** Why no proposal could be made (a partner on a tier the program no longer has, a currency mismatch). */
  problems?: FieldProblem[];
}

/**
 * Proposes a tier for each partner. A problem with one partner's data is reported for that partner
 * and does not stop the others from being evaluated.
 */
export async function evaluateTiers(tx: Tx, now: Date, only?: string): Promise<Evaluation[]> {
  const { program, tiers, measured } = await measurePartners(tx, now, only);
  const standings = await belowCriteriaSince(tx);
  return measured.map(({ partner, evidence, mdfFindings }) => {
    const standing = standings.get(partner.id);
    const base = { partner: partner.id, partnerName: partner.name, evidence, mdfFindings };
    try {
      const proposal = proposeTier(
        {
          partner: partner.id,
          tier: partner.tier,
          belowCriteriaSince: standing && standing.from === partner.tier ? standing.since : null,
        },
        evidence,
        tiers,
        program,
        now.toISOString(),
      );
      return { ...base, proposal };
    } catch (error) {
      if (error instanceof ValidationError) return { ...base, problems: error.problems };
      throw error;
    }
  });
}

/** Proposals are kept in the audit log: the daily run's record, and where the grace period starts. */
export async function recordEvaluations(tx: Tx, now: Date, evaluations: readonly Evaluation[]): Promise<void> {
  for (const evaluation of evaluations) {
    await audit(
      tx,
      now,
      systemActor('tier-evaluation'),
      partnerObject,
      evaluation.partner,
      evaluation.proposal ? evaluationAuditAction : `${evaluationAuditAction}-failed`,
      null,
      evaluation.proposal
        ? { ...evaluation.proposal, measured: evaluation.evidence }
        : { problems: evaluation.problems, measured: evaluation.evidence },
      evaluation.proposal
        ? { proposal: evaluation.proposal, measured: evaluation.evidence }
        : { problems: evaluation.problems, measured: evaluation.evidence },
    );
  }
}
