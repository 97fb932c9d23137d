/**
 * Conflict detection: is the customer on a new registration one the vendor already knows — protected for
 * another partner, reserved to the direct team, in the pipeline, or already a customer?
 *
 * Two steps, kept apart so the index and a plain scan give the same answers:
 * `compareCustomers` scores how likely two customer descriptions are the same company (0..1, with the
 * evidence in words), and `decideConflict` turns the scored matches into a verdict using what each
 * known record means today (a lapsed protection or an expired reservation holds nothing).
 */
export * from './conflicts/knownCustomers.ts';
export { tokenWeight, type WordRarity } from './conflicts/wordWeights.ts';
export { boundedEditDistance } from './conflicts/editDistance.ts';
export * from './conflicts/scoring.ts';
export * from './conflicts/verdict.ts';
export * from './conflicts/evidence.ts';
