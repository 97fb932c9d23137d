/**
 * A manager's verdict on the tier change the evaluation proposes now. The partner is re-evaluated when
 * the verdict is given, so a stale or forged proposal cannot be applied; the decision is the core's
 * (tiers/approval.ts).
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { TransitionError, ValidationError } from '@prm/core/errors';
import { decideTierProposal } from '@prm/core/tiers/approval';
import type { ActionContext } from '../http/actions.ts';
import { audit } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { evaluateTiers } from './evaluation.ts';

export interface TierVerdict {
  verdict: 'approve' | 'reject';
  /** The tier the manager saw proposed; required to approve, so they never approve a different change. */
  to?: string | null;
  reason?: string;
}

/** The partner's changes (none on a rejection) and what to answer beside the record. */
export async function decideTierChange(
  { tx, actor, now }: ActionContext,
  partner: RecordOf<'partner'>,
  body: TierVerdict,
) {
  if (body.verdict === 'approve' && body.to === undefined)
    throw new ValidationError([{ field: 'to', message: 'is required to approve: the tier you saw proposed' }]);
  const [evaluation] = await evaluateTiers(tx, now, partner.id);
  if (!evaluation)
    throw new TransitionError(String(partner.status), 'tier change', 'only active partners of the program hold tiers.');
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
    await audit(tx, now, actor, objectNamed(prmObjects, 'partner'), partner.id, 'reject-tier-change', null, {
      proposal,
      reason: body.reason,
    });
    return { changes: {}, result: { rejected: proposal } };
  }
  return {
    changes: { tier: change.to, tierSince: change.effectiveAt.slice(0, 10) },
    result: { change, measured: evaluation.evidence },
  };
}
