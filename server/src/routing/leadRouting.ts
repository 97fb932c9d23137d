/**
 * A lead's routing as the core sees it (LeadRouting: the lead plus its offers), loaded from the lead
 * and its leadOffer records, and each step the core takes (offer, accept, decline, expire) written
 * back: offer records created or updated, the lead's routing fields, the program's fairness state and
 * a timeout timer per new offer, all in the caller's transaction. Every step runs under the program's
 * routing lock and re-reads the lead and its offers after taking it, so it starts from committed data.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { sqlTableName } from '@prm/core/hosts/sql';
import { ConfigurationError, TransitionError, ValidationError } from '@prm/core/errors';
import type { Lead, LeadOffer as OfferRecord, Program } from '@prm/core/generated/types';
import { compileRouting, type CompiledRouting } from '@prm/core/routing/compile';
import {
  acceptOffer,
  declineOffer,
  expireOffers,
  newLeadRouting,
  offerLead,
  type LeadOffer,
  type LeadRouting,
  type OfferStep,
} from '@prm/core/routing/offers';
import type { RouteDecision } from '@prm/core/routing/route';
import type { DeclineReason } from '@prm/core/routing/rules';
import type { RoutingState } from '@prm/core/routing/state';
import { isPartnerUser, systemActor, type Actor } from '../auth/policy.ts';
import { createRecord, findRecord, writeUpdate, type Tx } from '../store/repository.ts';
import { columnFor, fieldValue, fromRow, recordTables } from '../store/records.ts';
import { scheduleJob } from '../jobs/queue.ts';
import {
  findProgram,
  loadRoutingChain,
  loadRoutingPartners,
  programForRouting,
  routingLeadOf,
  type ChainOptions,
} from './chain.ts';
import { loadRawRoutingState, loadRoutingState, lockProgramRouting, saveRoutingState } from './state.ts';

const leads = objectNamed(prmObjects, 'lead');
const leadOffers = objectNamed(prmObjects, 'leadOffer');
const partners = objectNamed(prmObjects, 'partner');

export const offerTimeoutJob = 'lead-offer-timeout';

export interface RoutingContext {
  tx: Tx;
  now: Date;
  /** Who acts, for the audit log: a person, or the system for a timer (systemActor('offer-timeout')). */
  actor: Actor;
}

interface LoadedLead {
  lead: Lead;
  /** The lead's offer records, in the order of `routing.offers`. */
  offers: OfferRecord[];
  routing: LeadRouting;
}

export interface Persisted {
  /** The changes to the record the action runs on, for the action framework to write. */
  own: Record<string, unknown>;
  lead: Lead;
  /** The lead's routing status after the step. */
  status: LeadRouting['status'];
  created: OfferRecord[];
  /** The decision this step made (offer or fallback), if it made one. */
  decision: RouteDecision | null;
}

/** The lead and its offers as the core's LeadRouting; converted and closed leads are out of routing. */
async function loadLeadRouting(tx: Tx, leadId: string, to: string): Promise<LoadedLead> {
  const lead = await findRecord(tx, leads, leadId);
  if (!lead) throw new TransitionError('none', to, `lead ${leadId} no longer exists`);
  const status = lead.routingStatus ?? 'new';
  if (status === 'converted' || status === 'closed') {
    throw new TransitionError(status, to, `lead ${lead.name} is ${status} and no longer routed`);
  }
  const rows = await recordTables(tx.db)
    .selectFrom(sqlTableName(leadOffers))
    .selectAll()
    .where(columnFor(leadOffers, 'lead'), '=', lead.id)
    // Rounds in order; within a round, the order the core listed the partners (offer numbers ascend).
    .orderBy(columnFor(leadOffers, 'attempt'))
    .orderBy('name')
    .execute();
  const offers = rows.map((row) => fromRow(leadOffers, row));
  const names = await partnerNames(tx, [...new Set(offers.map((offer) => offer.partner))]);
  const routing: LeadRouting = {
    ...newLeadRouting(lead.id),
    status,
    attempts: lead.offerAttempts ?? 0,
    // While offered, the lead's partner field names the offered partner only so it may read the lead.
    assignedPartner: status === 'assigned' ? lead.assignedPartner : null,
    offers: offers.map((offer): LeadOffer => ({
      partner: offer.partner,
      partnerName: names.get(offer.partner) ?? offer.partner,
      attempt: offer.attempt,
      status: offer.status,
      offeredAt: offer.offeredAt,
      respondBy: offer.respondBy,
      respondedAt: offer.respondedAt,
      declineReason: offer.declineReason,
      declineNote: offer.declineNote,
    })),
  };
  return { lead, offers, routing };
}

async function partnerNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.db.selectFrom('partner').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The chain and partners compiled, and the program's state aligned with them. */
async function decisionInputs(
  tx: Tx,
  program: Program,
  options: ChainOptions,
): Promise<{ compiled: CompiledRouting; state: RoutingState }> {
  const chain = await loadRoutingChain(tx, program, options);
  const partners = await loadRoutingPartners(tx, program);
  let compiled: CompiledRouting;
  try {
    compiled = compileRouting(partners, chain);
  } catch (error) {
    // The partner list is the program's data (a tier without a lead weight), not the request's.
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigurationError(
      error.problems.map((problem) => {
        const match = /^partners\.(\d+)\.(.+)$/.exec(problem.field);
        const partner = match ? partners[Number(match[1])] : undefined;
        return partner ? { ...problem, field: `partner ${partner.name} (${partner.id}).${match![2]}` } : problem;
      }),
    );
  }
  return { compiled, state: await loadRoutingState(tx, program.id, compiled) };
}

/**
 * Claim mode is chosen when a lead is first routed and holds for its later rounds; no lead field keeps
 * it, so it is read back as the largest round the lead has had (a round offers to as many partners as
 * claim mode asks, or fewer when fewer qualify).
 */
function roundSize(routing: LeadRouting): number {
  const perRound = new Map<number, number>();
  for (const offer of routing.offers) perRound.set(offer.attempt, (perRound.get(offer.attempt) ?? 0) + 1);
  return Math.max(1, ...perRound.values());
}

/** The program whose distribution offered this partner the lead: the partner's own program. */
async function programOfOffer(tx: Tx, offer: OfferRecord, to: string): Promise<string> {
  const partner = await findRecord(tx, partners, offer.partner);
  if (!partner?.program) {
    throw new TransitionError(offer.status, to, 'the offered partner is no longer in a partner program');
  }
  return partner.program;
}

/** Long texts hold 4000 characters: leave out middle lines (exclusions), never the outcome at the end. */
export function fitLines(lines: string[], keepLast: number, max = 4000): string {
  const text = lines.join('\n');
  if (text.length <= max) return text;
  const head = lines.slice(0, Math.max(0, lines.length - keepLast));
  const tail = lines.slice(head.length);
  while (head.length > 0) {
    head.pop();
    const shortened = [...head, `… ${lines.length - tail.length - head.length} more lines left out`, ...tail].join(
      '\n',
    );
    if (shortened.length <= max) return shortened;
  }
  return tail.join('\n').slice(0, max);
}

/**
 * What the offered partner may read about why it got the lead: the rules the lead matched. The full
 * explanation names other partners, their weights and their declines, so it stays on the lead
 * (hidden from partners) and in the managers' answers.
 */
function offerExplanation(decision: RouteDecision): string {
  const lines = decision.explanation.rules
    .filter((rule) => rule.outcome === 'narrowed')
    .map((rule) => `Matches rule ${rule.sequence} (${rule.mode}): ${rule.description}`);
  return fitLines(lines.length > 0 ? lines : ['Offered by the program’s lead distribution.'], 0);
}

const offerFields = ['status', 'respondedAt', 'declineReason', 'declineNote'] as const;
const offerAuditAction: Record<LeadOffer['status'], string> = {
  offered: 'offer',
  accepted: 'accept',
  declined: 'decline',
  expired: 'expire',
  withdrawn: 'withdraw',
};

const sameInstant = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Date.parse(a) === Date.parse(b));

/**
 * The lead's partner field, which decides which partner may read the lead: the assigned partner; while
 * offered, the one partner holding the offer (in claim mode none, since a lead has one partner field,
 * until one accepts; each still reads its own offer); after fallback, a fallback partner if any.
 */
function partnerOfLead(routing: LeadRouting): string | null {
  if (routing.status === 'assigned') return routing.assignedPartner;
  if (routing.status === 'offered') {
    const open = routing.offers.filter((offer) => offer.status === 'offered');
    return open.length === 1 ? open[0].partner : null;
  }
  return routing.fallback?.kind === 'partner' ? routing.fallback.partner : null;
}

/** Writes a step of the core: offers, the lead, the state and the timers. `own` is left to the caller. */
async function persistStep(
  context: RoutingContext,
  programId: string,
  loaded: LoadedLead,
  step: OfferStep,
  own: string,
): Promise<Persisted> {
  const { tx, now, actor } = context;
  const after = step.routing;
  const ownChanges: Record<string, unknown> = {};
  // The core keeps the offers in order and appends new ones: index i is the i-th record.
  for (const [i, record] of loaded.offers.entries()) {
    const before = loaded.routing.offers[i];
    const next = after.offers[i];
    const changes: Record<string, unknown> = {};
    for (const field of offerFields) {
      const same = field === 'respondedAt' ? sameInstant(before[field], next[field]) : before[field] === next[field];
      if (!same) changes[field] = next[field];
    }
    if (Object.keys(changes).length === 0) continue;
    if (record.id === own) Object.assign(ownChanges, changes);
    else await writeUpdate(tx, now, actor, leadOffers, record, record.version, changes, offerAuditAction[next.status]);
  }

  const decision = after.decisions.at(-1) ?? null;
  // A partner user may not create another partner's offer; the rules do, on the program's account.
  const creator = isPartnerUser(actor) ? systemActor('lead-routing') : actor;
  const created: OfferRecord[] = [];
  for (const offer of after.offers.slice(loaded.offers.length)) {
    const record = await createRecord(
      tx,
      now,
      creator,
      leadOffers,
      {
        lead: loaded.lead.id,
        partner: offer.partner,
        attempt: offer.attempt,
        status: offer.status,
        offeredAt: offer.offeredAt,
        respondBy: offer.respondBy,
        explanation: decision ? offerExplanation(decision) : null,
      },
      { authorizedByProgramRules: true },
    );
    created.push(record);
    // The timer re-reads the offer when it fires and does nothing if it was answered meanwhile.
    await scheduleJob(tx, now, {
      kind: offerTimeoutJob,
      runAt: new Date(record.respondBy),
      payload: { offer: record.id, lead: loaded.lead.id, respondBy: record.respondBy },
      dedupeKey: `${offerTimeoutJob}:${record.id}`,
    });
  }

  const leadFields: Record<string, unknown> = {
    routingStatus: after.status,
    offerAttempts: after.attempts,
    assignedPartner: partnerOfLead(after),
  };
  if (decision) {
    leadFields.routedAt = now.toISOString();
    leadFields.routingExplanation = fitLines(
      decision.explanation.lines,
      decision.partners.length + (decision.fallback ? 1 : 0),
    );
  }
  const leadChanges: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(leadFields)) {
    if (fieldValue(loaded.lead, field) !== value) leadChanges[field] = value;
  }
  let leadRecord = loaded.lead;
  if (loaded.lead.id === own) Object.assign(ownChanges, leadChanges);
  else if (Object.keys(leadChanges).length > 0) {
    const action = !decision ? after.status : decision.outcome === 'fallback' ? 'fallback' : 'reroute';
    leadRecord = await writeUpdate(tx, now, actor, leads, loaded.lead, loaded.lead.version, leadChanges, action);
  }

  await saveRoutingState(tx, now, programId, step.state);
  return { own: ownChanges, lead: leadRecord, status: after.status, created, decision };
}

/** Offers a new lead in a program's distribution (claim mode when offerTo > 1). */
export async function routeNewLead(
  context: RoutingContext,
  leadId: string,
  options: { program?: string; offerTo?: number },
): Promise<Persisted> {
  const program = await programForRouting(context.tx, options.program);
  await lockProgramRouting(context.tx, program.id);
  const loaded = await loadLeadRouting(context.tx, leadId, 'offered');
  if (loaded.routing.status !== 'new') {
    throw new TransitionError(
      loaded.routing.status,
      'offered',
      'only a new lead is routed; a declined or expired offer re-routes the lead by itself',
    );
  }
  const { compiled, state } = await decisionInputs(context.tx, program, { offerTo: options.offerTo });
  const step = offerLead(compiled, routingLeadOf(loaded.lead), loaded.routing, state, context.now.toISOString());
  return persistStep(context, program.id, loaded, step, leadId);
}

/** The offered partner accepts: the lead is assigned to it. */
export async function acceptLeadOffer(context: RoutingContext, offer: OfferRecord): Promise<Persisted> {
  const programId = await programOfOffer(context.tx, offer, 'accepted');
  await lockProgramRouting(context.tx, programId);
  const loaded = await loadLeadRouting(context.tx, offer.lead, 'assigned');
  const state = await loadRawRoutingState(context.tx, programId);
  const step = acceptOffer(loaded.routing, state, offer.partner, context.now.toISOString());
  return persistStep(context, programId, loaded, step, offer.id);
}

/** Re-routing needs the program's current chain, with the lead's claim mode. */
async function rerouteInputs(context: RoutingContext, programId: string, loaded: LoadedLead) {
  const program = await findProgram(context.tx, programId);
  if (!program) throw new TransitionError(loaded.routing.status, 'offered', 'the partner program no longer exists');
  return decisionInputs(context.tx, program, { offerTo: roundSize(loaded.routing) });
}

/** The offered partner declines with a reason: the lead goes at once to the next partner, or fallback. */
export async function declineLeadOffer(
  context: RoutingContext,
  offer: OfferRecord,
  reason: DeclineReason,
  note: string | null,
): Promise<Persisted> {
  const programId = await programOfOffer(context.tx, offer, 'declined');
  await lockProgramRouting(context.tx, programId);
  const loaded = await loadLeadRouting(context.tx, offer.lead, 'declined');
  const { compiled, state } = await rerouteInputs(context, programId, loaded);
  const at = context.now.toISOString();
  const step = declineOffer(
    compiled,
    routingLeadOf(loaded.lead),
    loaded.routing,
    state,
    offer.partner,
    reason,
    note,
    at,
  );
  return persistStep(context, programId, loaded, step, offer.id);
}

/**
 * Expires the lead's offers whose SLA has passed (a timer fired) and re-routes, or does nothing when
 * the lead is no longer waiting on offers. The offer itself is written here too: no action owns it.
 */
export async function expireLeadOffers(context: RoutingContext, offer: OfferRecord): Promise<Persisted | null> {
  const programId = await programOfOffer(context.tx, offer, 'expired');
  await lockProgramRouting(context.tx, programId);
  const loaded = await loadLeadRouting(context.tx, offer.lead, 'expired');
  if (loaded.routing.status !== 'offered') return null;
  const { compiled, state } = await rerouteInputs(context, programId, loaded);
  const step = expireOffers(compiled, routingLeadOf(loaded.lead), loaded.routing, state, context.now.toISOString());
  if (step.routing === loaded.routing) return null;
  return persistStep(context, programId, loaded, step, '');
}

/** The decision as a manager reads it. Partner users get none of it: it names other partners. */
export function decisionSummary(persisted: Persisted) {
  const decision = persisted.decision;
  const names = new Map(decision?.explanation.winners.map((winner) => [winner.partner, winner.partnerName]) ?? []);
  return {
    lead: persisted.lead.id,
    routingStatus: persisted.status,
    decision: decision && {
      outcome: decision.outcome,
      partners: decision.partners.map((id) => ({ id, name: names.get(id) ?? null })),
      fallback: decision.fallback,
      fallbackReason: decision.fallbackReason,
      explanation: decision.explanation.lines,
    },
    offers: persisted.created.map((offer) => ({ id: offer.id, partner: offer.partner, respondBy: offer.respondBy })),
  };
}
