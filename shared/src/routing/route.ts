/**
 * One routing decision: narrow the partners through the rule chain, pick among the rest with the
 * strategy, or send the lead to fallback; with the full explanation.
 *
 * Two layers, both deterministic and free of side effects on their inputs (`now` is an argument):
 * - `decideLead` is the fast path. It reads the state without changing it and returns the decision
 *   with its explanation as structured data (partner and rule positions, reason codes, counts) and a
 *   small `StateChange`; `applyChange` (./state.ts) writes that into a state the caller owns.
 * - `routeLead` / `decideRoute` return the decision with its explanation rendered for people (rule
 *   ids, descriptions, sentences) and a new state; the state passed in is not changed.
 */
import { distanceKm, hasLocation } from './conditions.ts';
import { compileRouting, nextMark, ruleCode, slotHas, type CompiledRouting, type CompiledRule } from './compile.ts';
import { renderExplanation, type ExclusionReason, type Explanation, type FallbackReason } from './explain.ts';
import type { Fallback, RoutingChain, RoutingLead, RoutingPartner, Strategy } from './rules.ts';
import { alignState, capacityPeriodOf, withChange, type RoutingState, type StateChange } from './state.ts';
import { pickPartner, type FairnessWork, type WinnerReason } from './strategies.ts';
import { requireInstantMs } from './time.ts';

/** What happened to earlier offers of this lead: decliners and expired partners are never offered it again. */
export interface PriorOffer {
  partner: string;
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  /** When the partner responded (or the offer expired); for the explanation. */
  at: string;
  declineReason?: string | null;
}

export interface RouteOptions {
  /** Earlier offers of this lead. */
  history?: PriorOffer[];
  /** Partners to offer to at once (claim mode); defaults to the chain's offerTo. */
  offerTo?: number;
  /** Itemise at most this many exclusions; the rest are counted. */
  listExclusionsUpTo?: number;
}

export interface RouteDecision {
  lead: string;
  outcome: 'offer' | 'fallback';
  /** The partners the lead is offered to, best first (one unless claim mode). */
  partners: string[];
  fallback: Fallback | null;
  fallbackReason: FallbackReason | null;
  decidedAt: string;
  explanation: Explanation;
}

export interface RouteResult {
  decision: RouteDecision;
  state: RoutingState;
}

/** One rule as evaluated: `rule` is its position in `compiled.rules`. */
export interface RuleStep {
  rule: number;
  outcome: 'narrowed' | 'skipped' | 'unmatched';
  before: number;
  after: number;
}

/** One partner left out, by position; `count` is the open or period count for the capacity reasons. */
export interface ExclusionStep {
  partner: number;
  reason: ExclusionReason;
  /** Position in `compiled.rules` (reason `rule`), or -1. */
  rule: number;
  count: number;
  /** The earlier offer (reasons declined, expired, already_offered). */
  offer: PriorOffer | null;
}

export interface WinnerStep {
  partner: number;
  candidates: number;
  reason: WinnerReason;
}

/**
 * The explanation as data: every rule in the order evaluated, the partners left out and why, the
 * winners and why. `renderExplanation` (./explain.ts) turns it into ids, descriptions and sentences.
 */
export interface DecisionTrace {
  rules: RuleStep[];
  excluded: ExclusionStep[];
  excludedNotListed: number;
  strategy: Strategy;
  winners: WinnerStep[];
  fallbackReason: FallbackReason | null;
  /** Position of the required rule nothing matched, or -1. */
  unmatchedRule: number;
}

export interface LeadDecision {
  lead: string;
  outcome: 'offer' | 'fallback';
  /** Positions in the compiled partner list, best first. */
  partners: number[];
  trace: DecisionTrace;
  /** null when the lead goes to fallback: the state does not change. */
  change: StateChange | null;
}

const historyReason: Record<PriorOffer['status'], ExclusionReason> = {
  declined: 'declined',
  expired: 'expired',
  offered: 'already_offered',
  accepted: 'already_offered',
  withdrawn: 'already_offered',
};

/** By `compiled.staticCode` (0 = none). */
const staticReason: ExclusionReason[] = ['rule', 'not_accepting', 'weight_zero'];

/** The state of one decision in progress: what the helpers below read and append to. */
interface Work {
  compiled: CompiledRouting;
  lead: RoutingLead;
  nowMs: number;
  open: number[];
  periodCount: number[];
  samePeriod: boolean;
  prior: Map<number, PriorOffer> | null;
  listUpTo: number;
  excluded: ExclusionStep[];
  excludedNotListed: number;
  /** Generation of `compiled.itemisedMark` that marks partners already itemised (or counted) as excluded. */
  itemised: number;
  /** The lead's key id per key slot; -2 = not computed yet. */
  keyIds: Int32Array;
}

function recordExclusion(
  work: Work,
  i: number,
  reason: ExclusionReason,
  rule: number,
  count: number,
  offer: PriorOffer | null,
): void {
  if (work.excluded.length >= work.listUpTo) {
    work.excludedNotListed += 1;
    return;
  }
  work.excluded.push({ partner: i, reason, rule, count, offer });
}

/** Exclusions that hold whatever the rules say: records the first reason once, and returns false. */
function eligible(work: Work, i: number): boolean {
  const compiled = work.compiled;
  const fixed = compiled.staticCode[i];
  let reason: ExclusionReason;
  let count = 0;
  let offer: PriorOffer | null = null;
  if (fixed !== 0) reason = staticReason[fixed];
  else if (work.prior !== null && (offer = work.prior.get(i) ?? null) !== null) reason = historyReason[offer.status];
  else if (work.open[i] >= compiled.capacity[i]) {
    reason = 'at_capacity';
    count = work.open[i];
  } else if (work.samePeriod && work.periodCount[i] >= compiled.periodCapacity[i]) {
    reason = 'period_capacity';
    count = work.periodCount[i];
  } else return true;
  // A partner met again by a later rule (all rules so far skipped) is itemised once.
  if (compiled.itemisedMark[i] !== work.itemised) {
    compiled.itemisedMark[i] = work.itemised;
    recordExclusion(work, i, reason, -1, count, offer);
  }
  return false;
}

/** The lead's key id for a keyed rule: -1 when the lead lacks the value or no partner has the key. */
function keyIdOf(work: Work, rule: CompiledRule): number {
  let id = work.keyIds[rule.slot];
  if (id === -2) {
    const slot = work.compiled.slots[rule.slot];
    const key = slot.leadKey(work.lead);
    id = key === null ? -1 : (slot.ids.get(key) ?? -1);
    work.keyIds[rule.slot] = id;
  }
  return id;
}

/**
 * Whether the lead has what the rule compares: a distance needs the lead's location. (A keyed rule
 * without the lead's value gets key id -1, whose list is empty.) Such a rule matches no partner.
 */
function judgeable(work: Work, rule: CompiledRule): boolean {
  return rule.code !== ruleCode.distance || hasLocation(work.lead);
}

/** Does partner i satisfy the rule for this lead? `keyId` from keyIdOf for keyed rules. */
function admits(work: Work, rule: CompiledRule, keyId: number, i: number): boolean {
  switch (rule.code) {
    case ruleCode.keyed:
      return slotHas(work.compiled.slots[rule.slot], i, keyId);
    case ruleCode.listed:
      return rule.mask[i] === 1;
    case ruleCode.certification:
      return rule.expiry[i] >= work.nowMs;
    default: {
      const compiled = work.compiled;
      const lead = work.lead;
      return (
        !Number.isNaN(compiled.latitude[i]) &&
        distanceKm(lead.latitude!, lead.longitude!, compiled.latitude[i], compiled.longitude[i]) <= rule.km
      );
    }
  }
}

/** The partners a rule can admit at all for this lead (ascending), or null when it must test each one. */
function listOf(work: Work, rule: CompiledRule, keyId: number): Int32Array | null {
  if (rule.code === ruleCode.keyed) return keyId < 0 ? emptyList : work.compiled.slots[rule.slot].lists[keyId];
  if (rule.code === ruleCode.distance) return null;
  return rule.members;
}

const emptyList = new Int32Array(0);

/** The first narrowing: the rule's partners that are eligible (exclusions itemised on the way). */
function firstMatches(work: Work, rule: CompiledRule, keyId: number): number[] {
  const matched: number[] = [];
  const list = listOf(work, rule, keyId);
  if (list !== null) {
    const keyed = rule.code === ruleCode.keyed;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      if ((keyed || admits(work, rule, keyId, i)) && eligible(work, i)) matched.push(i);
    }
  } else {
    const total = work.compiled.ids.length;
    for (let i = 0; i < total; i++) if (admits(work, rule, keyId, i) && eligible(work, i)) matched.push(i);
  }
  return matched;
}

/** The candidates the rule admits, in their order; the others are itemised as excluded by the rule. */
function narrow(work: Work, r: number, rule: CompiledRule, keyId: number, candidates: number[]): number[] {
  const compiled = work.compiled;
  const list = listOf(work, rule, keyId);
  // Most rules late in a chain keep every candidate of a small pool: then the pool itself is the result.
  let kept = 0;
  if (list === null || candidates.length <= 4 * list.length) {
    while (kept < candidates.length && admits(work, rule, keyId, candidates[kept])) kept += 1;
    if (kept === candidates.length) return candidates;
  }
  const matched: number[] = [];
  if (list !== null && candidates.length > 4 * list.length) {
    // A small list against a large pool: intersect through marks rather than testing the pool.
    const generation = nextMark(compiled);
    for (let k = 0; k < candidates.length; k++) compiled.mark[candidates[k]] = generation;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      if (compiled.mark[i] === generation && admits(work, rule, keyId, i)) matched.push(i);
    }
  } else {
    for (let k = 0; k < kept; k++) matched.push(candidates[k]);
    for (let k = kept + 1; k < candidates.length; k++)
      if (admits(work, rule, keyId, candidates[k])) matched.push(candidates[k]);
  }
  const dropped = candidates.length - matched.length;
  if (matched.length > 0 && dropped > 0) {
    if (dropped + work.excluded.length <= work.listUpTo) {
      // Both lists ascend: walk them together to find the dropped candidates.
      for (let k = 0, m = 0; k < candidates.length; k++) {
        if (m < matched.length && matched[m] === candidates[k]) m += 1;
        else recordExclusion(work, candidates[k], 'rule', r, 0, null);
      }
    } else work.excludedNotListed += dropped;
  }
  return matched;
}

/** How many partners a rule admits for this lead, eligible or not. */
function admittedCount(work: Work, rule: CompiledRule): number {
  if (!judgeable(work, rule)) return 0;
  const keyId = rule.code === ruleCode.keyed ? keyIdOf(work, rule) : 0;
  const list = listOf(work, rule, keyId);
  if (list !== null) return list.length;
  // A distance rule has no list: count the partners within range, or it would always go last.
  let admitted = 0;
  for (let i = 0; i < work.compiled.ids.length; i++) if (admits(work, rule, keyId, i)) admitted += 1;
  return admitted;
}

/**
 * The required rules at the head of the chain all have to hold, so their order does not change the
 * pool: they are intersected starting from the one that admits the fewest partners for this lead
 * (an index list of one country rather than every active partner), and traced in that order. So the
 * rule that leaves nobody, and that the fallback names, is one that really excludes the rest.
 */
function headOrder(work: Work): number[] {
  const rules = work.compiled.rules;
  const head = work.compiled.requiredHead;
  const order: number[] = [];
  const size: number[] = [];
  for (let r = 0; r < head; r++) {
    const admitted = admittedCount(work, rules[r]);
    // Stable insertion: ties keep the chain's order.
    let at = order.length;
    while (at > 0 && size[at - 1] > admitted) at -= 1;
    order.splice(at, 0, r);
    size.splice(at, 0, admitted);
  }
  return order;
}

/**
 * Decides where a lead goes, with a chain compiled once for many leads. Reads `stateIn` without
 * changing it; returns the decision, its explanation as data, and the change to apply to the state.
 */
export function decideLead(
  compiled: CompiledRouting,
  lead: RoutingLead,
  stateIn: RoutingState,
  now: string,
  options: RouteOptions = {},
): LeadDecision {
  const nowMs = requireInstantMs(now, 'now');
  const state = alignState(stateIn, compiled);
  const chain = compiled.chain;
  const period = capacityPeriodOf(nowMs, chain.capacityPeriod);
  const total = compiled.ids.length;

  let prior: Map<number, PriorOffer> | null = null;
  for (const offer of options.history ?? []) {
    const i = compiled.positionOf.get(offer.partner);
    if (i === undefined) continue;
    prior ??= new Map();
    // A later "offered" must not hide an earlier decline of the same partner.
    if (!prior.has(i) || offer.status === 'declined' || offer.status === 'expired') prior.set(i, offer);
  }
  const work: Work = {
    compiled,
    lead,
    nowMs,
    open: state.open,
    periodCount: state.periodCount,
    samePeriod: state.period === period,
    prior,
    listUpTo: options.listExclusionsUpTo ?? 50,
    excluded: [],
    excludedNotListed: 0,
    itemised: nextMark(compiled),
    keyIds: new Int32Array(compiled.slots.length).fill(-2),
  };

  const steps: RuleStep[] = [];
  let current: number[] | null = null;
  let strategy: Strategy = chain.strategy;
  let unmatchedRule = -1;
  const head = compiled.requiredHead > 1 ? headOrder(work) : null;

  for (let step = 0; step < compiled.rules.length; step++) {
    const r = head !== null && step < head.length ? head[step] : step;
    const rule = compiled.rules[r];
    const before = current === null ? total : current.length;
    let matched: number[];
    if (!judgeable(work, rule)) matched = [];
    else {
      const keyId = rule.code === ruleCode.keyed ? keyIdOf(work, rule) : 0;
      matched = current === null ? firstMatches(work, rule, keyId) : narrow(work, r, rule, keyId, current);
    }
    if (matched.length === 0) {
      steps.push({ rule: r, outcome: rule.required ? 'unmatched' : 'skipped', before, after: 0 });
      if (rule.required) {
        unmatchedRule = r;
        break;
      }
      continue;
    }
    steps.push({ rule: r, outcome: 'narrowed', before, after: matched.length });
    current = matched;
    if (rule.rule.strategy) strategy = rule.rule.strategy;
  }

  if (unmatchedRule < 0 && current === null) {
    current = [];
    for (let i = 0; i < total; i++) if (eligible(work, i)) current.push(i);
  }

  const winners: WinnerStep[] = [];
  let change: StateChange | null = null;
  if (unmatchedRule < 0 && current !== null && current.length > 0) {
    // The pool's own fairness values: the state's arrays are read, never copied or written.
    const pool = current;
    const fairness: FairnessWork = { credit: [], lastServed: [], open: [] };
    for (let k = 0; k < pool.length; k++) {
      fairness.credit.push(state.credit[pool[k]]);
      fairness.lastServed.push(state.lastServed[pool[k]]);
      fairness.open.push(state.open[pool[k]]);
    }
    const creditOf: number[] = [];
    const credit: number[] = [];
    const offerTo = Math.max(1, options.offerTo ?? chain.offerTo);
    while (winners.length < offerTo && pool.length > 0) {
      const pick = pickPartner(strategy, compiled, pool, fairness, lead);
      const winner = pool[pick.winner];
      winners.push({ partner: winner, candidates: pool.length, reason: pick.reason });
      if (strategy === 'weighted') {
        creditOf.push(winner);
        credit.push(fairness.credit[pick.winner]);
      }
      pool.splice(pick.winner, 1);
      fairness.credit.splice(pick.winner, 1);
      fairness.lastServed.splice(pick.winner, 1);
      fairness.open.splice(pick.winner, 1);
    }
    if (strategy === 'weighted') {
      for (let k = 0; k < pool.length; k++) {
        creditOf.push(pool[k]);
        credit.push(fairness.credit[k]);
      }
    }
    change = {
      partnerIds: compiled.ids,
      decision: state.decisions,
      period,
      creditOf,
      credit,
      winners: winners.map((winner) => winner.partner),
    };
  }

  const fallbackReason: FallbackReason | null =
    winners.length > 0 ? null : unmatchedRule >= 0 ? 'required_rule_unmatched' : 'no_eligible_partner';
  return {
    lead: lead.id,
    outcome: winners.length > 0 ? 'offer' : 'fallback',
    partners: winners.map((winner) => winner.partner),
    trace: {
      rules: steps,
      excluded: work.excluded,
      excludedNotListed: work.excludedNotListed,
      strategy,
      winners,
      fallbackReason,
      unmatchedRule,
    },
    change,
  };
}

/** The decision as the CLI, the API and the lead's record show it: ids, names and sentences. */
export function renderDecision(
  compiled: CompiledRouting,
  lead: RoutingLead,
  decided: LeadDecision,
  now: string,
): RouteDecision {
  const fallbackReason = decided.trace.fallbackReason;
  return {
    lead: decided.lead,
    outcome: decided.outcome,
    partners: decided.partners.map((i) => compiled.ids[i]),
    fallback: fallbackReason === null ? null : compiled.chain.fallback,
    fallbackReason,
    decidedAt: now,
    explanation: renderExplanation(compiled, lead, decided.trace),
  };
}

/**
 * Routes a lead with a chain compiled once for many leads: the decision with its explanation in words,
 * and the next state. Pure: the state passed in is not changed.
 */
export function routeLead(
  compiled: CompiledRouting,
  lead: RoutingLead,
  stateIn: RoutingState,
  now: string,
  options: RouteOptions = {},
): RouteResult {
  const decided = decideLead(compiled, lead, stateIn, now, options);
  const state = alignState(stateIn, compiled);
  return {
    decision: renderDecision(compiled, lead, decided, now),
    state: decided.change === null ? state : withChange(state, decided.change),
  };
}

const compiledCache = new WeakMap<RoutingPartner[], WeakMap<RoutingChain, CompiledRouting>>();

/** Routes one lead: `decideRoute(lead, partners, chain, state, now)`. Compiles once per partner list and chain. */
export function decideRoute(
  lead: RoutingLead,
  partners: RoutingPartner[],
  chain: RoutingChain,
  state: RoutingState,
  now: string,
  options: RouteOptions = {},
): RouteResult {
  let byChain = compiledCache.get(partners);
  if (!byChain) compiledCache.set(partners, (byChain = new WeakMap()));
  let compiled = byChain.get(chain);
  if (!compiled) byChain.set(chain, (compiled = compileRouting(partners, chain)));
  return routeLead(compiled, lead, state, now, options);
}
