/**
 * The life of a routed lead: offered with an SLA, then accepted (assigned), declined with a reason or
 * expired, and then re-routed at once to the next partner, never back to one who declined or let an
 * offer expire; after the chain's maxAttempts rounds, fallback. In claim mode a round offers the lead to
 * several partners and the first to accept wins; the other offers are withdrawn.
 */
import { TransitionError, ValidationError } from '../errors.ts';
import { slaDeadline } from './businessHours.ts';
import type { CompiledRouting } from './compile.ts';
import { explanationLines, type Exclusion, type Explanation } from './explain.ts';
import { routeLead, type PriorOffer, type RouteDecision } from './route.ts';
import { declineReasons, type DeclineReason, type Fallback, type RoutingLead } from './rules.ts';
import { releaseCapacity, type RoutingState } from './state.ts';
import { requireInstantMs } from './time.ts';

export interface LeadOffer {
  partner: string;
  partnerName: string;
  /** The offer round, from 1. */
  attempt: number;
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  offeredAt: string;
  respondBy: string;
  respondedAt: string | null;
  declineReason: DeclineReason | null;
  declineNote: string | null;
}

export interface LeadRouting {
  lead: string;
  status: 'new' | 'offered' | 'assigned' | 'fallback';
  /** Offer rounds made so far. */
  attempts: number;
  offers: LeadOffer[];
  assignedPartner: string | null;
  fallback: Fallback | null;
  /** Every routing decision for this lead, oldest first, each with its explanation. */
  decisions: RouteDecision[];
}

export interface OfferStep {
  routing: LeadRouting;
  state: RoutingState;
}

export function newLeadRouting(leadId: string): LeadRouting {
  return { lead: leadId, status: 'new', attempts: 0, offers: [], assignedPartner: null, fallback: null, decisions: [] };
}

function history(routing: LeadRouting): PriorOffer[] {
  return routing.offers.map((offer) => ({
    partner: offer.partner,
    status: offer.status,
    at: offer.respondedAt ?? offer.offeredAt,
    declineReason: offer.declineReason,
  }));
}

function exhausted(compiled: CompiledRouting, routing: LeadRouting, now: string): RouteDecision {
  const excluded: Exclusion[] = routing.offers
    .filter((offer) => offer.status === 'declined' || offer.status === 'expired')
    .map((offer) => ({
      partner: offer.partner,
      partnerName: offer.partnerName,
      reason: offer.status as 'declined' | 'expired',
      rule: null,
      at: offer.respondedAt,
      detail: offer.declineReason,
    }));
  const explanation: Omit<Explanation, 'lines'> = {
    rules: [],
    excluded,
    excludedNotListed: 0,
    strategy: compiled.chain.strategy,
    winners: [],
    fallback: { to: compiled.chain.fallback, reason: 'attempts_exhausted', rule: null },
  };
  return {
    lead: routing.lead,
    outcome: 'fallback',
    partners: [],
    fallback: compiled.chain.fallback,
    fallbackReason: 'attempts_exhausted',
    decidedAt: now,
    explanation: { ...explanation, lines: explanationLines(explanation, routing.attempts) },
  };
}

/** Offers a new (or re-routed) lead: the next round of offers, or fallback when none is possible. */
export function offerLead(
  compiled: CompiledRouting,
  lead: RoutingLead,
  routing: LeadRouting,
  state: RoutingState,
  now: string,
): OfferStep {
  if (routing.status === 'assigned' || routing.status === 'fallback') {
    throw new TransitionError(routing.status, 'offered', `lead ${routing.lead} is already ${routing.status}`);
  }
  if (routing.attempts >= compiled.chain.maxAttempts) {
    const decision = exhausted(compiled, routing, now);
    return {
      routing: {
        ...routing,
        status: 'fallback',
        fallback: decision.fallback,
        decisions: [...routing.decisions, decision],
      },
      state,
    };
  }
  const result = routeLead(compiled, lead, state, now, { history: history(routing) });
  const decision = result.decision;
  if (decision.outcome === 'fallback') {
    return {
      routing: {
        ...routing,
        status: 'fallback',
        fallback: decision.fallback,
        decisions: [...routing.decisions, decision],
      },
      state: result.state,
    };
  }
  const attempt = routing.attempts + 1;
  const offers: LeadOffer[] = decision.partners.map((partner) => {
    const i = compiled.positionOf.get(partner)!;
    return {
      partner,
      partnerName: compiled.partners[i].name,
      attempt,
      status: 'offered',
      offeredAt: now,
      respondBy: slaDeadline(now, compiled.chain.slaHours, compiled.timeZone[i], compiled.chain.businessHours),
      respondedAt: null,
      declineReason: null,
      declineNote: null,
    };
  });
  return {
    routing: {
      ...routing,
      status: 'offered',
      attempts: attempt,
      offers: [...routing.offers, ...offers],
      decisions: [...routing.decisions, decision],
    },
    state: result.state,
  };
}

function openOfferOf(routing: LeadRouting, partner: string, to: string): number {
  const index = routing.offers.findIndex((offer) => offer.partner === partner && offer.status === 'offered');
  if (index < 0) {
    const last = routing.offers.findLast((offer) => offer.partner === partner);
    throw new TransitionError(last?.status ?? 'none', to, `${partner} holds no open offer of lead ${routing.lead}`);
  }
  return index;
}

/** The partner accepts: the lead is assigned and stays on the partner's capacity until it is closed. */
export function acceptOffer(routing: LeadRouting, state: RoutingState, partner: string, now: string): OfferStep {
  const index = openOfferOf(routing, partner, 'accepted');
  const offer = routing.offers[index];
  if (requireInstantMs(now, 'now') > Date.parse(offer.respondBy)) {
    throw new TransitionError('offered', 'accepted', `the offer expired at ${offer.respondBy}`);
  }
  let next = state;
  const offers = routing.offers.map((other, i): LeadOffer => {
    if (i === index) return { ...other, status: 'accepted', respondedAt: now };
    if (other.status !== 'offered') return other;
    // Claim mode: the first to accept wins; the others' offers end and free their capacity.
    next = releaseCapacity(next, other.partner);
    return { ...other, status: 'withdrawn', respondedAt: now };
  });
  return { routing: { ...routing, status: 'assigned', assignedPartner: partner, offers }, state: next };
}

/** Re-routes once no offer of the current round is open any more. */
function rerouteIfRoundOver(compiled: CompiledRouting, lead: RoutingLead, step: OfferStep, now: string): OfferStep {
  if (step.routing.offers.some((offer) => offer.status === 'offered')) return step;
  return offerLead(compiled, lead, { ...step.routing, status: 'new' }, step.state, now);
}

/** The partner declines with a reason: its capacity is freed and the lead goes on to the next partner. */
export function declineOffer(
  compiled: CompiledRouting,
  lead: RoutingLead,
  routing: LeadRouting,
  state: RoutingState,
  partner: string,
  reason: DeclineReason,
  note: string | null,
  now: string,
): OfferStep {
  if (!declineReasons.includes(reason)) {
    throw new ValidationError([{ field: 'declineReason', message: `must be one of ${declineReasons.join(', ')}` }]);
  }
  if (reason === 'other' && !note?.trim()) {
    throw new ValidationError([{ field: 'declineNote', message: 'say why when the reason is other' }]);
  }
  const index = openOfferOf(routing, partner, 'declined');
  const offers = routing.offers.map((offer, i): LeadOffer =>
    i === index ? { ...offer, status: 'declined', respondedAt: now, declineReason: reason, declineNote: note } : offer,
  );
  return rerouteIfRoundOver(
    compiled,
    lead,
    { routing: { ...routing, offers }, state: releaseCapacity(state, partner) },
    now,
  );
}

/** Expires every open offer whose SLA has passed at `now`, then re-routes; a no-op before any deadline. */
export function expireOffers(
  compiled: CompiledRouting,
  lead: RoutingLead,
  routing: LeadRouting,
  state: RoutingState,
  now: string,
): OfferStep {
  const nowMs = requireInstantMs(now, 'now');
  let next = state;
  let changed = false;
  const offers = routing.offers.map((offer): LeadOffer => {
    if (offer.status !== 'offered' || Date.parse(offer.respondBy) > nowMs) return offer;
    changed = true;
    next = releaseCapacity(next, offer.partner);
    return { ...offer, status: 'expired', respondedAt: offer.respondBy };
  });
  if (!changed) return { routing, state };
  return rerouteIfRoundOver(compiled, lead, { routing: { ...routing, offers }, state: next }, now);
}
