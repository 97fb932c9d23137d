/**
 * The routing chain as data: the partners and leads routing reads, the ordered rules, the strategy, the
 * fallback and the offer policy (SLA, attempts, claim mode); and the validation of a chain from JSON.
 * Field names follow `routingRule` in ./schema.ts so a chain can be read straight from CRM records.
 */
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../errors.ts';

import { countryCodeProblem } from './places.ts';
import { declineReasons, ruleConditions, ruleOperators, strategies } from './schema.ts';
import { timeZoneProblem } from './time.ts';

// The values are declared once, with the routing objects they belong to.
export { declineReasons, ruleConditions, ruleOperators, strategies };
export type RuleCondition = (typeof ruleConditions)[number];
export type RuleOperator = (typeof ruleOperators)[number];
export type Strategy = (typeof strategies)[number];
export type DeclineReason = (typeof declineReasons)[number];

export interface RoutingRule {
  id: string;
  name?: string;
  /** Rules run in ascending sequence. */
  sequence: number;
  condition: RuleCondition;
  operator: RuleOperator;
  /** Empty: compare with the lead's own value (same country, same industry...). See allowedOperators. */
  value?: string[];
  mode: 'required' | 'optional';
  /** Overrides the chain's strategy when this rule narrows the candidates (the last such rule wins). */
  strategy?: Strategy;
  active?: boolean;
}

export type Fallback = { kind: 'partner'; partner: string } | { kind: 'direct_queue'; queue: string };

export interface BusinessHours {
  /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
  days: number[];
  /** Local wall-clock "HH:mm" in the partner's time zone. */
  start: string;
  end: string;
  /** Local dates (YYYY-MM-DD) that are not business days. */
  holidays?: string[];
}

export interface TierWeight {
  name: string;
  rank: number;
  /** A partner's own leadWeight overrides this; 0 = never offered leads. */
  leadWeight: number;
}

export interface RoutingChain {
  rules: RoutingRule[];
  strategy: Strategy;
  fallback: Fallback;
  tiers: TierWeight[];
  /** SLA in business hours of the partner's time zone. */
  slaHours: number;
  /** Offer rounds before the lead goes to fallback. */
  maxAttempts: number;
  businessHours: BusinessHours;
  /** Time zone for partners that have none. */
  defaultTimeZone: string;
  /** Claim mode: offer to this many partners at once; the first to accept wins. 1 = one at a time. */
  offerTo: number;
  /** The window that `periodCapacity` counts offers in (UTC calendar periods). */
  capacityPeriod: 'day' | 'week' | 'month';
}

export interface PartnerCertification {
  name: string;
  /** YYYY-MM-DD (valid through that day, UTC) or null for no expiry. */
  expiresOn?: string | null;
}

export interface RoutingPartner {
  id: string;
  name: string;
  status?: string | null;
  tier?: string | null;
  country?: string | null;
  region?: string | null;
  postalCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  timeZone?: string | null;
  specialisations?: string[];
  industries?: string[];
  /** Products the partner is authorised to sell (not yet a field of the partner schema). */
  products?: string[];
  segment?: string | null;
  certifications?: PartnerCertification[];
  /** Most open offers plus held leads at once; null = no limit. */
  leadCapacity?: number | null;
  /** Most offers per capacity period; null = no limit. */
  periodCapacity?: number | null;
  /** Overrides the tier's weight; 0 = never offered leads. */
  leadWeight?: number | null;
  acceptsLeads?: boolean;
  /** Each 0..1, for the best_score strategy. */
  acceptanceRate?: number | null;
  conversionRate?: number | null;
  slaCompliance?: number | null;
}

export interface RoutingLead {
  id: string;
  company?: string | null;
  country?: string | null;
  region?: string | null;
  postalCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  industry?: string | null;
  employees?: number | null;
  productInterest?: string | null;
}

/** Which operators each condition understands, and whether it needs a value. */
export const allowedOperators: Record<
  RuleCondition,
  { operators: RuleOperator[]; value: 'none' | 'optional' | 'required' }
> = {
  country: { operators: ['equals', 'in'], value: 'optional' },
  region: { operators: ['equals', 'in'], value: 'optional' },
  postal_prefix: { operators: ['starts_with'], value: 'optional' },
  distance: { operators: ['within_km'], value: 'required' },
  specialisation: { operators: ['equals', 'in'], value: 'optional' },
  product: { operators: ['equals', 'in'], value: 'optional' },
  industry: { operators: ['equals', 'in'], value: 'optional' },
  company_size: { operators: ['equals', 'in'], value: 'optional' },
  minimum_tier: { operators: ['at_least'], value: 'required' },
  certification: { operators: ['equals', 'in'], value: 'required' },
  partner_active: { operators: ['equals'], value: 'none' },
};

export const defaultBusinessHours: BusinessHours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:mm, e.g. 09:00');
const valueList = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .transform((value) =>
    (Array.isArray(value) ? value : String(value).split(','))
      .map((item) => String(item).trim())
      .filter((item) => item !== ''),
  );

const ruleShape = z.object({
  id: z.string().min(1, 'must not be empty').optional(),
  name: z.string().optional(),
  sequence: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
  condition: z.enum(ruleConditions, { error: `must be one of ${ruleConditions.join(', ')}` }),
  operator: z.enum(ruleOperators, { error: `must be one of ${ruleOperators.join(', ')}` }),
  value: valueList.optional(),
  mode: z.enum(['required', 'optional'], { error: 'must be required or optional' }).default('required'),
  strategy: z.enum(strategies, { error: `must be one of ${strategies.join(', ')}` }).optional(),
  active: z.boolean().default(true),
});

const chainShape = z.object({
  strategy: z.enum(strategies, { error: `must be one of ${strategies.join(', ')}` }).default('weighted'),
  fallback: z.union(
    [
      z.object({ kind: z.literal('partner'), partner: z.string().min(1, 'must name a partner id') }),
      z.object({ kind: z.literal('direct_queue'), queue: z.string().min(1).default('direct') }),
    ],
    { error: 'must be {"kind":"partner","partner":"<id>"} or {"kind":"direct_queue","queue":"<name>"}' },
  ),
  tiers: z
    .array(
      z.object({
        name: z.string().min(1, 'must not be empty'),
        rank: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
        leadWeight: z.number().int('must be a whole number').min(0, 'must be 0 to 100').max(100, 'must be 0 to 100'),
      }),
    )
    .default([]),
  slaHours: z.number().positive('must be more than 0').max(720, 'must be at most 720').default(24),
  maxAttempts: z.number().int('must be a whole number').min(1, 'must be 1 to 50').max(50, 'must be 1 to 50').default(3),
  businessHours: z
    .object({
      days: z
        .array(z.number().int().min(1, 'days are ISO weekdays 1-7').max(7, 'days are ISO weekdays 1-7'))
        .min(1, 'must list at least one day'),
      start: hhmm,
      end: hhmm,
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are dates as YYYY-MM-DD')).optional(),
    })
    .default(defaultBusinessHours),
  defaultTimeZone: z.string().min(1).default('UTC'),
  offerTo: z.number().int('must be a whole number').min(1, 'must be 1 or more').default(1),
  capacityPeriod: z.enum(['day', 'week', 'month'], { error: 'must be day, week or month' }).default('week'),
  rules: z.array(ruleShape),
});

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

/** Reads a chain from JSON data; every problem names its field path (`rules.2.operator`). */
export function parseRoutingChain(input: unknown): RoutingChain {
  const parsed = chainShape.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: pathOf(issue.path), message: issue.message })),
    );
  }
  const raw = parsed.data;
  const rules: RoutingRule[] = raw.rules.map((rule) => ({
    id: rule.id ?? `rule-${rule.sequence}`,
    name: rule.name,
    sequence: rule.sequence,
    condition: rule.condition,
    operator: rule.operator,
    value: rule.value,
    mode: rule.mode,
    strategy: rule.strategy,
    active: rule.active,
  }));
  const chain: RoutingChain = { ...raw, rules };
  validateRoutingChain(chain);
  return chain;
}

/** Checks what a JSON schema cannot: operators per condition, values, tiers named, time zone, unique ids. */
export function validateRoutingChain(chain: RoutingChain): void {
  const problems: FieldProblem[] = [];
  const tierNames = new Set(chain.tiers.map((tier) => tier.name.toLowerCase()));
  const sequences = new Map<number, number>();
  const ids = new Map<string, number>();
  chain.rules.forEach((rule, index) => {
    const at = (field: string) => `rules.${index}.${field}`;
    const spec = allowedOperators[rule.condition];
    if (!spec.operators.includes(rule.operator)) {
      problems.push({
        field: at('operator'),
        message: `${rule.operator} does not apply to ${rule.condition}; use ${spec.operators.join(' or ')}`,
      });
    }
    const values = rule.value ?? [];
    if (spec.value === 'required' && values.length === 0) {
      problems.push({ field: at('value'), message: `${rule.condition} needs a value` });
    }
    if (spec.value === 'none' && values.length > 0 && !(values.length === 1 && values[0] === 'true')) {
      problems.push({ field: at('value'), message: `${rule.condition} takes no value (it checks the partner status)` });
    }
    if (rule.condition === 'distance' && values.length > 0) {
      const km = Number(values[0]);
      if (values.length !== 1 || !Number.isFinite(km) || km <= 0) {
        problems.push({ field: at('value'), message: 'distance needs one number of kilometres above 0' });
      }
    }
    if (rule.condition === 'postal_prefix' && values.length > 0) {
      const digits = Number(values[0]);
      if (values.length !== 1 || !Number.isInteger(digits) || digits < 1 || digits > 10) {
        problems.push({
          field: at('value'),
          message: 'postal_prefix needs the number of leading characters to compare, 1 to 10',
        });
      }
    }
    if (rule.condition === 'minimum_tier' && values.length > 0) {
      if (values.length !== 1) problems.push({ field: at('value'), message: 'minimum_tier takes one tier name' });
      else if (!tierNames.has(values[0].toLowerCase())) {
        problems.push({
          field: at('value'),
          message: `tier ${values[0]} is not in tiers (${chain.tiers.map((tier) => tier.name).join(', ') || 'none declared'})`,
        });
      }
    }
    if (rule.condition === 'country') {
      for (const value of values) {
        const problem = countryCodeProblem(value);
        if (problem !== null) problems.push({ field: at('value'), message: problem });
      }
    }
    if (rule.operator === 'equals' && rule.condition !== 'partner_active' && values.length > 1) {
      problems.push({ field: at('value'), message: 'equals takes one value; use in for a list' });
    }
    const sameSequence = sequences.get(rule.sequence);
    if (sameSequence !== undefined) {
      problems.push({
        field: at('sequence'),
        message: `sequence ${rule.sequence} is already used by rules.${sameSequence}`,
      });
    } else sequences.set(rule.sequence, index);
    const sameId = ids.get(rule.id);
    if (sameId !== undefined)
      problems.push({ field: at('id'), message: `id ${rule.id} is already used by rules.${sameId}` });
    else ids.set(rule.id, index);
  });
  const ranks = new Set<number>();
  chain.tiers.forEach((tier, index) => {
    if (ranks.has(tier.rank))
      problems.push({ field: `tiers.${index}.rank`, message: `rank ${tier.rank} is used twice` });
    ranks.add(tier.rank);
  });
  const { start, end } = chain.businessHours;
  if (start >= end) problems.push({ field: 'businessHours.end', message: `must be after start (${start})` });
  const zoneProblem = timeZoneProblem(chain.defaultTimeZone);
  if (zoneProblem !== null) problems.push({ field: 'defaultTimeZone', message: zoneProblem });
  if (problems.length > 0) throw new ValidationError(problems);
}

/** A chain with the program defaults, for code that builds rules in TypeScript. */
export function routingChain(parts: Partial<RoutingChain> & Pick<RoutingChain, 'rules' | 'fallback'>): RoutingChain {
  const chain: RoutingChain = {
    strategy: 'weighted',
    tiers: [],
    slaHours: 24,
    maxAttempts: 3,
    businessHours: defaultBusinessHours,
    defaultTimeZone: 'UTC',
    offerTo: 1,
    capacityPeriod: 'week',
    ...parts,
  };
  validateRoutingChain(chain);
  return chain;
}
