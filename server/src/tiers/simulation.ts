/**
 * What-if: which partners would move if the program's tiers had other criteria, over the same
 * measured evidence as the evaluation (the core's simulateCriteria).
 */
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import { simulateCriteria } from '@prm/core/tiers/simulation';
import type { Tx } from '../store/repository.ts';
import { measurePartners } from './evaluation.ts';

/** A tier's proposed criteria: its id and the criteria that change. */
export const criteriaOverride = z.strictObject({
  id: z.string('is required: the id of a tier').max(64),
  minSourcedRevenue: z.int().min(0).nullable().optional(),
  minCertifiedPeople: z.int().min(0).nullable().optional(),
  minRegisteredDeals: z.int().min(0).nullable().optional(),
  minWonDeals: z.int().min(0).nullable().optional(),
  minNps: z.int().min(-100).max(100).nullable().optional(),
  requiresMdfCompliance: z.boolean().optional(),
});
export type CriteriaOverride = z.infer<typeof criteriaOverride>;

export async function simulateTierCriteria(tx: Tx, now: Date, overrides: readonly CriteriaOverride[]) {
  const { tiers, measured } = await measurePartners(tx, now);
  const problems: FieldProblem[] = [];
  overrides.forEach((override, i) => {
    if (!tiers.some((tier) => tier.id === override.id))
      problems.push({ field: `tiers.${i}.id`, message: 'must be the id of a tier of the program' });
  });
  if (problems.length) throw new ValidationError(problems);
  const proposed = tiers.map((tier) => {
    const { id: _id, ...override } = overrides.find((candidate) => candidate.id === tier.id) ?? { id: tier.id };
    return { ...tier, ...override };
  });
  const simulation = simulateCriteria(
    measured.map((m) => m.evidence),
    tiers,
    proposed,
  );
  const rows = (counts: Map<string | null, number>) => [...counts].map(([tier, partners]) => ({ tier, partners }));
  return { moves: simulation.moves, before: rows(simulation.before), after: rows(simulation.after) };
}
