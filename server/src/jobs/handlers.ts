/**
 * What each durable job does. Every handler calls the core's rules and writes through the repository,
 * inside the job's transaction.
 */
import type { JobHandler } from './queue.ts';
import { programJobHandlers } from './programJobs.ts';
import { dealJobHandlers } from './dealJobs.ts';
import { routingJobHandlers } from './routingJobs.ts';

export const jobHandlers: Record<string, JobHandler> = {
  ...programJobHandlers,
  ...dealJobHandlers,
  ...routingJobHandlers,
};
