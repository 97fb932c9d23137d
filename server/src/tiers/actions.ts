/**
 * Tier actions: evaluate partners against the tier criteria (proposals only), simulate other criteria,
 * and approve or reject a proposed tier change (evaluation.ts, simulation.ts, tierChange.ts).
 */
import { z } from 'zod';
import { collectionAction, recordAction } from '../http/actions.ts';
import { evaluateTiers } from './evaluation.ts';
import { criteriaOverride, simulateTierCriteria } from './simulation.ts';
import { decideTierChange } from './tierChange.ts';

const managers = ['channelAdmin', 'channelManager'] as const;

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
      return simulateTierCriteria(tx, now, body.tiers);
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
    async run(context, partner, body) {
      return decideTierChange(context, partner, body);
    },
  }),
];
