/**
 * Lead offer timers: when an offer's SLA deadline passes unanswered, the offer expires and the lead
 * is re-routed at once (or goes to fallback). The timer re-reads the offer, so one answered or
 * re-timed since it was set does nothing.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { systemActor } from '../auth/policy.ts';
import { findRecord } from '../store/repository.ts';
import { expireLeadOffers, offerTimeoutJob } from './leadRouting.ts';
import type { JobHandler } from '../jobs/queue.ts';

const leadOffers = objectNamed(prmObjects, 'leadOffer');

export const leadOfferTimeout: JobHandler = async (tx, job, now) => {
  const offer = await findRecord(tx, leadOffers, String(job.payload.offer));
  if (!offer) return;
  if (offer.status !== 'offered' || Date.parse(offer.respondBy) !== Date.parse(String(job.payload.respondBy))) return;
  // The job is due at the deadline, so the core expires the offer; before it, the core changes nothing.
  await expireLeadOffers({ tx, now, actor: systemActor('offer-timeout') }, offer);
};

export const jobHandlers: Record<string, JobHandler> = {
  [offerTimeoutJob]: leadOfferTimeout,
};
