/**
 * The explanation of a routing decision: structured for machines, and as sentences for people. A
 * decision records it as positions and codes (`DecisionTrace` in ./route.ts); `renderExplanation`
 * turns that into ids, names, rule descriptions and sentences when someone needs to read it.
 */
import type { CompiledRouting } from './compile.ts';
import { describeRule, missingLeadValue } from './conditions.ts';
import type { DecisionTrace } from './route.ts';
import type { Fallback, RoutingLead, RuleCondition, Strategy } from './rules.ts';
import type { WinnerReason } from './strategies.ts';

export type ExclusionReason =
  | 'declined'
  | 'expired'
  | 'already_offered'
  | 'not_accepting'
  | 'weight_zero'
  | 'at_capacity'
  | 'period_capacity'
  | 'rule';

export interface Exclusion {
  partner: string;
  partnerName: string;
  reason: ExclusionReason;
  /** The rule that excluded the partner (reason `rule`). */
  rule: string | null;
  /** When the partner declined or let the offer expire. */
  at: string | null;
  detail: string | null;
}

export interface RuleTrace {
  rule: string;
  sequence: number;
  condition: RuleCondition;
  mode: 'required' | 'optional';
  /** narrowed: partners left; skipped: optional and nothing matched; unmatched: required and nothing matched. */
  outcome: 'narrowed' | 'skipped' | 'unmatched';
  before: number;
  after: number;
  description: string;
  /** Why nothing could match (the lead lacks the value), if so. */
  note: string | null;
}

export interface WinnerTrace {
  partner: string;
  partnerName: string;
  candidates: number;
  reason: WinnerReason;
}

export type FallbackReason = 'required_rule_unmatched' | 'no_eligible_partner' | 'attempts_exhausted';

export interface Explanation {
  rules: RuleTrace[];
  excluded: Exclusion[];
  /** Exclusions counted but not itemised (the list is capped to stay readable). */
  excludedNotListed: number;
  strategy: Strategy;
  winners: WinnerTrace[];
  fallback: { to: Fallback; reason: FallbackReason; rule: string | null } | null;
  lines: string[];
}

function winnerSentence(winner: WinnerTrace): string {
  const reason = winner.reason;
  const among = `among ${winner.candidates} candidate${winner.candidates === 1 ? '' : 's'}`;
  switch (reason.strategy) {
    case 'weighted':
      return `Winner ${winner.partnerName}: highest remaining weight ${reason.weight} of ${reason.totalWeight} ${among} (weighted)`;
    case 'round_robin':
      return `Winner ${winner.partnerName}: next in round robin, ${reason.lastServed < 0 ? 'never offered a lead before' : `last offered at decision ${reason.lastServed}`} ${among}`;
    case 'capacity':
      return `Winner ${winner.partnerName}: most free capacity, ${reason.capacity === null ? 'no limit' : `${reason.open} of ${reason.capacity} in use`} ${among}`;
    case 'best_score':
      return `Winner ${winner.partnerName}: best score ${reason.score.toFixed(2)} (conversion, acceptance, SLA compliance) ${among}`;
    case 'nearest':
      return `Winner ${winner.partnerName}: nearest, ${reason.distanceKm === null ? 'distance unknown' : `${reason.distanceKm} km`} ${among}`;
  }
}

function exclusionSentence(exclusion: Exclusion, rules: RuleTrace[]): string {
  const who = `Excluded ${exclusion.partnerName}`;
  switch (exclusion.reason) {
    case 'declined':
      return `${who}: declined this lead at ${exclusion.at}${exclusion.detail ? ` (${exclusion.detail})` : ''}`;
    case 'expired':
      return `${who}: let the offer of this lead expire at ${exclusion.at}`;
    case 'already_offered':
      return `${who}: already holds an open offer of this lead`;
    case 'not_accepting':
      return `${who}: does not take part in lead distribution`;
    case 'weight_zero':
      return `${who}: lead weight 0 (never offered leads)`;
    case 'at_capacity':
      return `${who}: at capacity (${exclusion.detail})`;
    case 'period_capacity':
      return `${who}: reached the period's limit (${exclusion.detail})`;
    case 'rule': {
      const rule = rules.find((trace) => trace.rule === exclusion.rule);
      return `${who}: fails rule ${rule?.sequence ?? exclusion.rule} (${rule?.description ?? exclusion.rule})`;
    }
  }
}

function fallbackTarget(fallback: Fallback): string {
  return fallback.kind === 'partner' ? `default partner ${fallback.partner}` : `direct team queue "${fallback.queue}"`;
}

/** The sentences a channel manager reads, in the order the decision was made. */
export function explanationLines(explanation: Omit<Explanation, 'lines'>, attempts?: number): string[] {
  const lines = explanation.rules.map((trace) => {
    const head = `Rule ${trace.sequence} (${trace.mode}) ${trace.description}`;
    if (trace.outcome === 'narrowed') return `${head}: ${trace.after} of ${trace.before} partners match`;
    const why = trace.note ? ` — ${trace.note}` : '';
    return trace.outcome === 'skipped'
      ? `${head}: no partner matches, rule skipped${why}`
      : `${head}: no partner matches, so the lead goes to fallback${why}`;
  });
  for (const exclusion of explanation.excluded) lines.push(exclusionSentence(exclusion, explanation.rules));
  if (explanation.excludedNotListed > 0)
    lines.push(`${explanation.excludedNotListed} more partners excluded (not listed)`);
  for (const winner of explanation.winners) lines.push(winnerSentence(winner));
  const fallback = explanation.fallback;
  if (fallback) {
    const because =
      fallback.reason === 'required_rule_unmatched'
        ? `no partner matches required rule ${fallback.rule}`
        : fallback.reason === 'attempts_exhausted'
          ? `${attempts ?? 'all'} offer attempts were declined or expired`
          : 'no eligible partner is left';
    lines.push(`Fallback to ${fallbackTarget(fallback.to)}: ${because}`);
  }
  return lines;
}

/** The explanation of a decision in full, from its trace: what the CLI, the API and the lead record show. */
export function renderExplanation(compiled: CompiledRouting, lead: RoutingLead, trace: DecisionTrace): Explanation {
  const chain = compiled.chain;
  // Keyed rules sharing a key slot read the same lead value: describe each slot once.
  const slotDescriptions: (string | undefined)[] = [];
  const slotNotes: (string | null | undefined)[] = [];
  const rules: RuleTrace[] = trace.rules.map((step) => {
    const compiledRule = compiled.rules[step.rule];
    const rule = compiledRule.rule;
    let description = compiledRule.description;
    let note: string | null = null;
    if (description === null) description = slotDescriptions[compiledRule.slot] ??= describeRule(rule, lead);
    if (step.outcome !== 'narrowed') {
      note =
        compiledRule.slot >= 0
          ? (slotNotes[compiledRule.slot] ??= missingLeadValue(rule, lead))
          : missingLeadValue(rule, lead);
    }
    return {
      rule: rule.id,
      sequence: rule.sequence,
      condition: rule.condition,
      mode: rule.mode,
      outcome: step.outcome,
      before: step.before,
      after: step.after,
      description,
      note,
    };
  });
  const excluded: Exclusion[] = trace.excluded.map((step) => {
    const i = step.partner;
    let detail: string | null = null;
    if (step.reason === 'at_capacity') detail = `${step.count} of ${compiled.capacity[i]} open offers and leads`;
    else if (step.reason === 'period_capacity')
      detail = `${step.count} of ${compiled.periodCapacity[i]} offers this ${chain.capacityPeriod}`;
    else if (step.offer !== null) detail = step.offer.declineReason ?? null;
    return {
      partner: compiled.ids[i],
      partnerName: compiled.partners[i].name,
      reason: step.reason,
      rule: step.rule >= 0 ? compiled.rules[step.rule].rule.id : null,
      at: step.offer?.at ?? null,
      detail,
    };
  });
  const winners: WinnerTrace[] = trace.winners.map((step) => ({
    partner: compiled.ids[step.partner],
    partnerName: compiled.partners[step.partner].name,
    candidates: step.candidates,
    reason: step.reason,
  }));
  const explanation: Omit<Explanation, 'lines'> = {
    rules,
    excluded,
    excludedNotListed: trace.excludedNotListed,
    strategy: trace.strategy,
    winners,
    fallback:
      trace.fallbackReason === null
        ? null
        : {
            to: chain.fallback,
            reason: trace.fallbackReason,
            rule: trace.unmatchedRule >= 0 ? compiled.rules[trace.unmatchedRule].rule.id : null,
          },
  };
  return { ...explanation, lines: explanationLines(explanation) };
}
