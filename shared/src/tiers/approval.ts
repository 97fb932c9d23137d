/** A manager approves or rejects a tier proposal; only then does the partner's tier change. */
import { NotAllowedError, TransitionError, ValidationError } from '../errors.ts';
import type { Role } from '../schema/roles.ts';
import type { TierProposal } from './proposals.ts';

export interface TierDecision {
  verdict: 'approve' | 'reject';
  decidedBy: string;
  role: Role;
  reason?: string;
}

export interface TierChange {
  partner: string;
  from: string | null;
  to: string | null;
  approvedBy: string;
  /** Becomes the partner's `tierSince`. */
  effectiveAt: string;
  evidence: TierProposal['evidence'];
}

export function decideTierProposal(proposal: TierProposal, decision: TierDecision, now: string): TierChange | null {
  if (decision.role !== 'channelAdmin' && decision.role !== 'channelManager') {
    throw new NotAllowedError('Only a channel manager or channel admin may change a partner’s tier.');
  }
  if (proposal.action === 'keep')
    throw new TransitionError(
      proposal.from ?? 'none',
      proposal.to ?? 'none',
      'the proposal keeps the tier; there is nothing to approve.',
    );
  if (decision.verdict === 'reject') {
    if (!decision.reason?.trim())
      throw new ValidationError([{ field: 'reason', message: 'Say why the tier change is rejected.' }]);
    return null;
  }
  return {
    partner: proposal.partner,
    from: proposal.from,
    to: proposal.to,
    approvedBy: decision.decidedBy,
    effectiveAt: now,
    evidence: proposal.evidence,
  };
}
