/**
 * Tier evaluation, tier changes and what-if simulation. Evidence is always measured here, from the
 * store, over the trailing twelve months (metrics → tierEvidenceFrom), never taken from the client:
 * a tier change is re-evaluated when it is approved, so a stale or forged proposal cannot be applied.
 */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { TransitionError, ValidationError, type FieldProblem } from '@prm/core/errors';
import type { Partner } from '@prm/core/generated/types';
import { computeMetrics } from '@prm/core/metrics/programMetrics';
import { trailingTwelveMonths } from '@prm/core/metrics/periods';
import { mdfCompliance, type ComplianceFinding } from '@prm/core/mdf/compliance';
import { tierEvidenceFrom } from '@prm/core/tiers/evidence';
import type { TierEvidence, TierRules } from '@prm/core/tiers/criteria';
import { proposeTier, type TierProposal } from '@prm/core/tiers/proposals';
import { decideTierProposal } from '@prm/core/tiers/approval';
import { simulateCriteria } from '@prm/core/tiers/simulation';
import { collectionAction, recordAction } from '../http/actions.ts';
import { systemActor } from '../auth/policy.ts';
import { audit, type Tx } from '../store/repository.ts';
import { gatherProgramRecords, listAll } from './metrics.ts';

const managers = ['channelAdmin', 'channelManager'] as const;
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

const criteriaOverride = z.strictObject({
  id: z.string('is required: the id of a tier').max(64),
  minSourcedRevenue: z.int().min(0).nullable().optional(),
  minCertifiedPeople: z.int().min(0).nullable().optional(),
  minRegisteredDeals: z.int().min(0).nullable().optional(),
  minWonDeals: z.int().min(0).nullable().optional(),
  minNps: z.int().min(-100).max(100).nullable().optional(),
  requiresMdfCompliance: z.boolean().optional(),
});

export const actions = [
  collectionAction({
    object: 'tier',
    name: 'evaluate',
    method: 'POST',
    summary: 'Evaluate active partners against the tier criteria (trailing 12 months); proposes, changes nothing',
    roles: managers,
    body: z.strictObject({ partner: z.string().max(64).optional() }),
    async run({ tx, now }, body) {
      // One item per partner, so it answers as a list does.
      return { data: await evaluateTiers(tx, now, body.partner), evaluatedAt: now.toISOString() };
    },
  }),
  collectionAction({
    object: 'tier',
    name: 'simulate',
    method: 'POST',
    summary: 'What-if: which partners would move if these tiers had these criteria',
    roles: managers,
    body: z.strictObject({ tiers: z.array(criteriaOverride).min(1, 'Give at least one tier’s proposed criteria.') }),
    async run({ tx, now }, body) {
      const { tiers, measured } = await measurePartners(tx, now);
      const problems: FieldProblem[] = [];
      body.tiers.forEach((override, i) => {
        if (!tiers.some((tier) => tier.id === override.id))
          problems.push({ field: `tiers.${i}.id`, message: 'must be the id of a tier of the program' });
      });
      if (problems.length) throw new ValidationError(problems);
      const proposed = tiers.map((tier) => {
        const { id: _id, ...override } = body.tiers.find((candidate) => candidate.id === tier.id) ?? { id: tier.id };
        return { ...tier, ...override };
      });
      const simulation = simulateCriteria(
        measured.map((m) => m.evidence),
        tiers,
        proposed,
      );
      const rows = (counts: Map<string | null, number>) => [...counts].map(([tier, partners]) => ({ tier, partners }));
      return { moves: simulation.moves, before: rows(simulation.before), after: rows(simulation.after) };
    },
  }),
  recordAction({
    object: 'partner',
    name: 'change-tier',
    summary: 'Approve or reject the tier change the evaluation proposes now (re-evaluated on the server)',
    roles: managers,
    body: z.strictObject({
      verdict: z.enum(['approve', 'reject'], 'must be approve or reject'),
      to: z
        .string()
        .max(64)
        .nullable()
        .optional()
        .describe('The tier you saw proposed; required to approve, so you never approve a different change.'),
      reason: z.string().max(2000).optional(),
    }),
    async run({ tx, actor, now }, record, body) {
      if (body.verdict === 'approve' && body.to === undefined)
        throw new ValidationError([{ field: 'to', message: 'is required to approve: the tier you saw proposed' }]);
      const [evaluation] = await evaluateTiers(tx, now, record.id);
      if (!evaluation)
        throw new TransitionError(
          String(record.status),
          'tier change',
          'only active partners of the program hold tiers.',
        );
      if (!evaluation.proposal) throw new ValidationError(evaluation.problems!);
      const proposal = evaluation.proposal;
      if (body.verdict === 'approve' && body.to !== proposal.to) {
        throw new TransitionError(
          proposal.from ?? 'no tier',
          body.to ?? 'no tier',
          `the evaluation now proposes to ${proposal.action} to ${proposal.to ?? 'no tier'}; review it again.`,
        );
      }
      const change = decideTierProposal(
        proposal,
        { verdict: body.verdict, decidedBy: actor.name, role: actor.role, reason: body.reason },
        now.toISOString(),
      );
      if (change === null) {
        // Nothing changes on the partner, so the framework writes no audit entry; the refusal is kept here.
        await audit(tx, now, actor, partnerObject, record.id, 'reject-tier-change', null, {
          proposal,
          reason: body.reason,
        });
        return { changes: {}, result: { rejected: proposal } };
      }
      return {
        changes: { tier: change.to, tierSince: change.effectiveAt.slice(0, 10) },
        result: { change, measured: evaluation.evidence },
      };
    },
  }),
];
