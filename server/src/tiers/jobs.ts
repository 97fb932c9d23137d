/** The daily tier evaluation: proposals only, kept in the audit log for managers to decide on. */
import { daily } from '../jobs/daily.ts';
import type { JobHandler } from '../jobs/queue.ts';
import { evaluateTiers, recordEvaluations } from './evaluation.ts';

export const jobHandlers: Record<string, JobHandler> = {
  'tier-evaluation': daily(async (tx, now) => recordEvaluations(tx, now, await evaluateTiers(tx, now))),
};
