/**
 * The rule chain compiled against the partner list once, so that a decision looks up the partners a
 * rule admits (an index by country, region, postal prefix, specialisation...) instead of testing every
 * partner against every rule. Must agree with `ruleMatches` in ./conditions.ts.
 */
import { ValidationError, type FieldProblem } from '../errors.ts';
import {
  certificationExpiryMs,
  defaultPostalPrefix,
  describeRule,
  distanceKm,
  hasLocation,
  missingLeadValue,
  normalise,
  postalPrefix,
  segmentOf,
} from './conditions.ts';
import type { RoutingChain, RoutingLead, RoutingPartner, RoutingRule } from './rules.ts';

/** Partners never eligible, whatever the lead. */
export type StaticExclusion = 'not_accepting' | 'weight_zero' | null;

/** How `decideLead` tests a rule (`CompiledRule.code`): an integer switch, no closure per rule and partner. */
export const ruleCode = { keyed: 0, listed: 1, certification: 2, distance: 3 } as const;

/**
 * A lead-relative key (the lead's country, region, postal prefix, interest, industry or size band),
 * interned: rules comparing the same key share one slot, so a decision computes each key once.
 */
export interface KeySlot {
  /** The lead's key, or null when the lead lacks the value (then no partner matches). */
  leadKey(lead: RoutingLead): string | null;
  /** Key -> key id; a key no partner has is absent (no partner matches it). */
  ids: Map<string, number>;
  /** Key id -> the partners with that key, ascending. */
  lists: Int32Array[];
  /** Single-valued keys: the partner's key id, -1 for none. */
  single: Int32Array | null;
  /** Multi-valued keys (lists): bit set of key ids, `words` 32-bit words per partner. */
  bits: Uint32Array | null;
  words: number;
}

export interface CompiledRule {
  rule: RoutingRule;
  /**
   * `keyed`: the lead supplies a key; `index` lists the partners with that key (ascending positions).
   * `listed`: the same partners for every lead (`members`), certifications re-checked against `now`.
   * `scan`: tested partner by partner (distance).
   */
  kind: 'keyed' | 'listed' | 'scan';
  index: Map<string, Int32Array>;
  members: Int32Array;
  leadKey(lead: RoutingLead): string | null;
  /** Whether partner i satisfies the rule for this lead (leadKey already computed). */
  test(i: number, key: string | null, lead: RoutingLead, nowMs: number): boolean;
  /** The same test as plain data, for the decision loop: one of `ruleCode`. */
  code: number;
  /** keyed: the key slot in `CompiledRouting.slots`; otherwise -1. */
  slot: number;
  /** listed: 1 for the partners the rule admits. */
  mask: Uint8Array;
  /** certification: the latest expiry (ms) of a named certification per partner, -Infinity for none. */
  expiry: Float64Array;
  /** distance: the radius in km. */
  km: number;
  required: boolean;
  /** The rule's phrase when it does not depend on the lead (every rule but the keyed ones), else null. */
  description: string | null;
}

export interface CompiledRouting {
  chain: RoutingChain;
  partners: RoutingPartner[];
  ids: string[];
  positionOf: Map<string, number>;
  weight: Float64Array;
  capacity: Float64Array;
  periodCapacity: Float64Array;
  staticExclusion: StaticExclusion[];
  latitude: Float64Array;
  longitude: Float64Array;
  score: Float64Array;
  timeZone: string[];
  rules: CompiledRule[];
  tierRanks: Map<string, number>;
  /** Lead-key slots of the keyed rules (see KeySlot). */
  slots: KeySlot[];
  /** 0 eligible, 1 not accepting leads, 2 weight 0: `staticExclusion` as codes. */
  staticCode: Uint8Array;
  /** Leading rules that are all required: `decideLead` intersects them most selective first. */
  requiredHead: number;
  /**
   * Scratch marks for set intersection and for partners already itemised in an explanation.
   * Decisions run one at a time (nothing in a decision awaits), so one buffer serves all; a decision
   * only reads marks it wrote with a fresh generation, so results never depend on earlier decisions.
   */
  mark: Int32Array;
  itemisedMark: Int32Array;
  markGeneration: { value: number };
}

/** A fresh generation for `compiled.mark` or `itemisedMark`; clears both before the counter could wrap. */
export function nextMark(compiled: CompiledRouting): number {
  if (compiled.markGeneration.value >= 0x3fffffff) {
    compiled.mark.fill(0);
    compiled.itemisedMark.fill(0);
    compiled.markGeneration.value = 0;
  }
  return ++compiled.markGeneration.value;
}

const empty = new Int32Array(0);

function groupBy(keys: (string | string[] | null)[]): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  keys.forEach((key, i) => {
    for (const one of Array.isArray(key) ? key : key === null ? [] : [key]) {
      let list = lists.get(one);
      if (!list) lists.set(one, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return new Map([...lists].map(([key, list]) => [key, Int32Array.from(list)]));
}

/** Builds the slot of a lead-relative key once per chain, shared by every rule comparing that key. */
function keySlot(
  partners: RoutingPartner[],
  partnerKey: (partner: RoutingPartner) => string | string[] | null,
  leadKey: (lead: RoutingLead) => string | null,
): KeySlot {
  const keys = partners.map(partnerKey);
  const index = groupBy(keys);
  const ids = new Map<string, number>();
  const lists: Int32Array[] = [];
  for (const [key, list] of index) {
    ids.set(key, lists.length);
    lists.push(list);
  }
  const n = partners.length;
  if (!keys.some((key) => Array.isArray(key))) {
    const single = new Int32Array(n).fill(-1);
    keys.forEach((key, i) => {
      if (key !== null) single[i] = ids.get(key as string)!;
    });
    return { leadKey, ids, lists, single, bits: null, words: 0 };
  }
  const words = Math.max(1, Math.ceil(lists.length / 32));
  const bits = new Uint32Array(n * words);
  keys.forEach((key, i) => {
    for (const one of Array.isArray(key) ? key : key === null ? [] : [key]) {
      const id = ids.get(one)!;
      bits[i * words + (id >>> 5)] |= 1 << (id & 31);
    }
  });
  return { leadKey, ids, lists, single: null, bits, words };
}

/** Whether partner i has key id `id` in this slot (id -1: the lead's key, which no partner has). */
export function slotHas(slot: KeySlot, i: number, id: number): boolean {
  if (id < 0) return false;
  if (slot.single !== null) return slot.single[i] === id;
  return ((slot.bits![i * slot.words + (id >>> 5)] >>> (id & 31)) & 1) === 1;
}

function compileRule(
  rule: RoutingRule,
  partners: RoutingPartner[],
  tierRanks: Map<string, number>,
  slotFor: (name: string, build: () => KeySlot) => number,
  slots: KeySlot[],
): CompiledRule {
  const values = (rule.value ?? []).map(normalise);
  const base = {
    rule,
    index: new Map<string, Int32Array>(),
    members: empty,
    slot: -1,
    mask: new Uint8Array(0),
    expiry: new Float64Array(0),
    km: 0,
    required: rule.mode === 'required',
    description: describeRule(rule, { id: '' }),
  };
  const keyed = (
    name: string,
    partnerKey: (partner: RoutingPartner) => string | string[] | null,
    leadKey: (lead: RoutingLead) => string | null,
  ): CompiledRule => {
    const slot = slotFor(name, () =>
      keySlot(partners, partnerKey, (lead) => (missingLeadValue(rule, lead) === null ? leadKey(lead) : null)),
    );
    const shared = slots[slot];
    const index = new Map([...shared.ids].map(([key, id]) => [key, shared.lists[id]]));
    return {
      ...base,
      kind: 'keyed',
      code: ruleCode.keyed,
      description: null,
      slot,
      index,
      leadKey: shared.leadKey,
      test: (i, key) => key !== null && slotHas(shared, i, shared.ids.get(key) ?? -1),
    };
  };
  const listed = (admits: (partner: RoutingPartner) => boolean): CompiledRule => {
    const mask = Uint8Array.from(partners, (partner) => (admits(partner) ? 1 : 0));
    const members: number[] = [];
    mask.forEach((admitted, i) => admitted && members.push(i));
    return {
      ...base,
      kind: 'listed',
      code: ruleCode.listed,
      mask,
      members: Int32Array.from(members),
      leadKey: () => '',
      test: (i) => mask[i] === 1,
    };
  };
  const lowerList = (list: string[] | undefined) => (list ?? []).map(normalise);

  switch (rule.condition) {
    case 'country':
      if (values.length > 0) return listed((p) => values.includes(normalise(p.country)));
      return keyed(
        'country',
        (p) => normalise(p.country),
        (lead) => normalise(lead.country),
      );
    case 'region':
      if (values.length > 0) return listed((p) => values.includes(normalise(p.region)));
      return keyed(
        'region',
        (p) => `${normalise(p.country)}|${normalise(p.region)}`,
        (lead) => `${normalise(lead.country)}|${normalise(lead.region)}`,
      );
    case 'postal_prefix': {
      const length = Number(values[0] ?? defaultPostalPrefix);
      return keyed(
        `postal_prefix:${length}`,
        (p) => {
          const prefix = postalPrefix(p.postalCode, length);
          return prefix === null ? null : `${normalise(p.country)}|${prefix}`;
        },
        (lead) => `${normalise(lead.country)}|${postalPrefix(lead.postalCode, length)}`,
      );
    }
    case 'specialisation':
    case 'product':
    case 'industry': {
      const field =
        rule.condition === 'specialisation'
          ? 'specialisations'
          : rule.condition === 'product'
            ? 'products'
            : 'industries';
      if (values.length > 0) return listed((p) => lowerList(p[field]).some((value) => values.includes(value)));
      return keyed(
        rule.condition,
        (p) => lowerList(p[field]),
        (lead) => normalise(rule.condition === 'industry' ? lead.industry : lead.productInterest),
      );
    }
    case 'company_size':
      if (values.length > 0) return listed((p) => values.includes(normalise(p.segment)));
      return keyed(
        'company_size',
        (p) => normalise(p.segment),
        (lead) => segmentOf(lead.employees),
      );
    case 'minimum_tier': {
      const needed = tierRanks.get(values[0]) ?? Number.POSITIVE_INFINITY;
      return listed((p) => (tierRanks.get(normalise(p.tier)) ?? 0) >= needed);
    }
    case 'partner_active':
      return listed((p) => normalise(p.status) === 'active');
    case 'certification': {
      // Expiry depends on `now`, so the list holds every holder and `test` checks the date.
      const expiry = Float64Array.from(partners, (p) =>
        Math.max(
          Number.NEGATIVE_INFINITY,
          ...(p.certifications ?? [])
            .filter((certification) => values.includes(normalise(certification.name)))
            .map((certification) => certificationExpiryMs(certification.expiresOn)),
        ),
      );
      const members: number[] = [];
      expiry.forEach((ms, i) => ms > Number.NEGATIVE_INFINITY && members.push(i));
      return {
        ...base,
        kind: 'listed',
        code: ruleCode.certification,
        expiry,
        members: Int32Array.from(members),
        leadKey: () => '',
        test: (i, _key, _lead, nowMs) => expiry[i] >= nowMs,
      };
    }
    case 'distance': {
      const km = Number(values[0]);
      return {
        ...base,
        kind: 'scan',
        code: ruleCode.distance,
        km,
        leadKey: (lead) => (hasLocation(lead) ? '' : null),
        test: (i, key, lead) =>
          key !== null &&
          hasLocation(partners[i]) &&
          distanceKm(lead.latitude!, lead.longitude!, partners[i].latitude!, partners[i].longitude!) <= km,
      };
    }
  }
}

function finiteOrInfinity(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

/** The best_score blend: conversion matters most; unknown figures count as average (0.5). */
export function partnerScore(partner: RoutingPartner): number {
  const figure = (value: number | null | undefined) =>
    typeof value === 'number' && Number.isFinite(value) ? value : 0.5;
  return (
    0.4 * figure(partner.conversionRate) + 0.3 * figure(partner.acceptanceRate) + 0.3 * figure(partner.slaCompliance)
  );
}

/** Compiles the chain against the partners; problems in the partner list name the partner and field. */
export function compileRouting(partners: RoutingPartner[], chain: RoutingChain): CompiledRouting {
  const tierRanks = new Map(chain.tiers.map((tier) => [normalise(tier.name), tier.rank]));
  const tierWeights = new Map(chain.tiers.map((tier) => [normalise(tier.name), tier.leadWeight]));
  const problems: FieldProblem[] = [];
  const positionOf = new Map<string, number>();
  partners.forEach((partner, i) => {
    if (positionOf.has(partner.id))
      problems.push({ field: `partners.${i}.id`, message: `partner ${partner.id} appears twice` });
    positionOf.set(partner.id, i);
    if (partner.tier && !tierWeights.has(normalise(partner.tier)) && (partner.leadWeight ?? null) === null) {
      problems.push({
        field: `partners.${i}.tier`,
        message: `tier ${partner.tier} of ${partner.id} is not in the chain's tiers and the partner has no leadWeight`,
      });
    }
  });
  if (chain.fallback.kind === 'partner' && !positionOf.has(chain.fallback.partner)) {
    problems.push({
      field: 'fallback.partner',
      message: `fallback partner ${chain.fallback.partner} is not in the partner list`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const n = partners.length;
  const slots: KeySlot[] = [];
  const slotNames = new Map<string, number>();
  const slotFor = (name: string, build: () => KeySlot) => {
    let slot = slotNames.get(name);
    if (slot === undefined) {
      slot = slots.length;
      slots.push(build());
      slotNames.set(name, slot);
    }
    return slot;
  };
  const rules = chain.rules
    .filter((rule) => rule.active !== false)
    .sort((a, b) => a.sequence - b.sequence)
    .map((rule) => compileRule(rule, partners, tierRanks, slotFor, slots));
  let requiredHead = 0;
  while (requiredHead < rules.length && rules[requiredHead].required) requiredHead += 1;
  const weight = new Float64Array(n);
  const staticExclusion: StaticExclusion[] = new Array(n);
  partners.forEach((partner, i) => {
    // Without a tier or a weight the partner takes an ordinary share (weight 1) rather than none.
    weight[i] = partner.leadWeight ?? tierWeights.get(normalise(partner.tier)) ?? 1;
    staticExclusion[i] = partner.acceptsLeads === false ? 'not_accepting' : weight[i] <= 0 ? 'weight_zero' : null;
  });
  return {
    chain,
    partners,
    ids: partners.map((partner) => partner.id),
    positionOf,
    weight,
    capacity: Float64Array.from(partners, (partner) => finiteOrInfinity(partner.leadCapacity)),
    periodCapacity: Float64Array.from(partners, (partner) => finiteOrInfinity(partner.periodCapacity)),
    staticExclusion,
    latitude: Float64Array.from(partners, (partner) => (hasLocation(partner) ? partner.latitude! : Number.NaN)),
    longitude: Float64Array.from(partners, (partner) => (hasLocation(partner) ? partner.longitude! : Number.NaN)),
    score: Float64Array.from(partners, partnerScore),
    timeZone: partners.map((partner) => partner.timeZone || chain.defaultTimeZone),
    rules,
    tierRanks,
    slots,
    staticCode: Uint8Array.from(staticExclusion, (code) =>
      code === 'not_accepting' ? 1 : code === 'weight_zero' ? 2 : 0,
    ),
    requiredHead,
    mark: new Int32Array(n),
    itemisedMark: new Int32Array(n),
    markGeneration: { value: 0 },
  };
}

/** The reference used by tests: does compiled rule r admit partner i for this lead? */
export function compiledMatches(
  compiled: CompiledRouting,
  r: number,
  i: number,
  lead: RoutingLead,
  nowMs: number,
): boolean {
  const rule = compiled.rules[r];
  return rule.test(i, rule.leadKey(lead), lead, nowMs);
}
