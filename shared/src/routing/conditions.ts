/**
 * What each rule condition means, evaluated plainly for one lead and one partner. The compiled chain
 * (./compile.ts) must agree with `ruleMatches` on every input; the tests and the benchmark's naive
 * baseline use it as the reference.
 */
import type { RoutingLead, RoutingPartner, RoutingRule } from './rules.ts';

export function normalise(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/** Company size bands used by `company_size`; they match the partner `segment` picklist. */
export function segmentOf(employees: number | null | undefined): string | null {
  if (employees === null || employees === undefined || !Number.isFinite(employees)) return null;
  if (employees < 100) return 'smb';
  if (employees < 1000) return 'mid_market';
  return 'enterprise';
}

export const defaultPostalPrefix = 2;

export function postalPrefix(postalCode: string | null | undefined, length: number): string | null {
  const compact = normalise(postalCode).replace(/[\s-]/g, '');
  return compact.length >= length ? compact.slice(0, length) : null;
}

/** Great-circle distance (haversine, mean Earth radius): accurate to well under 1 % at routing ranges. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function hasLocation(place: { latitude?: number | null; longitude?: number | null }): boolean {
  return (
    typeof place.latitude === 'number' &&
    typeof place.longitude === 'number' &&
    Number.isFinite(place.latitude) &&
    Number.isFinite(place.longitude)
  );
}

/** A certification counts through the end of its expiry day (UTC). */
export function certificationExpiryMs(expiresOn: string | null | undefined): number {
  if (!expiresOn) return Number.POSITIVE_INFINITY;
  return Date.parse(`${expiresOn}T23:59:59.999Z`);
}

export interface ConditionContext {
  /** Tier name (normalised) to rank. */
  tierRanks: Map<string, number>;
  nowMs: number;
}

/**
 * Why a rule cannot be judged for this lead at all (the lead lacks the value the rule compares with),
 * or null. Such a rule matches no partner: required sends the lead to fallback, optional is skipped.
 */
export function missingLeadValue(rule: RoutingRule, lead: RoutingLead): string | null {
  const hasValue = (rule.value ?? []).length > 0;
  switch (rule.condition) {
    case 'country':
      return !hasValue && normalise(lead.country) === '' ? 'the lead has no country' : null;
    case 'region':
      return !hasValue && (normalise(lead.country) === '' || normalise(lead.region) === '')
        ? 'the lead has no country and region'
        : null;
    case 'postal_prefix':
      return normalise(lead.country) === '' ||
        postalPrefix(lead.postalCode, Number(rule.value?.[0] ?? defaultPostalPrefix)) === null
        ? 'the lead has no country and postal code'
        : null;
    case 'distance':
      return hasLocation(lead) ? null : 'the lead has no latitude and longitude';
    case 'specialisation':
    case 'product':
      return !hasValue && normalise(lead.productInterest) === '' ? 'the lead names no product interest' : null;
    case 'industry':
      return !hasValue && normalise(lead.industry) === '' ? 'the lead has no industry' : null;
    case 'company_size':
      return !hasValue && segmentOf(lead.employees) === null ? 'the lead has no employee count' : null;
    default:
      return null;
  }
}

function listMatches(partnerValues: string[] | undefined, wanted: string[]): boolean {
  if (!partnerValues) return false;
  return partnerValues.some((value) => wanted.includes(normalise(value)));
}

/** Does this partner satisfy this rule for this lead? The plain, uncompiled meaning of every condition. */
export function ruleMatches(
  rule: RoutingRule,
  lead: RoutingLead,
  partner: RoutingPartner,
  context: ConditionContext,
): boolean {
  if (missingLeadValue(rule, lead) !== null) return false;
  const values = (rule.value ?? []).map(normalise);
  switch (rule.condition) {
    case 'country':
      return values.length > 0
        ? values.includes(normalise(partner.country))
        : normalise(partner.country) === normalise(lead.country);
    case 'region':
      return values.length > 0
        ? values.includes(normalise(partner.region))
        : normalise(partner.country) === normalise(lead.country) &&
            normalise(partner.region) === normalise(lead.region);
    case 'postal_prefix': {
      const length = Number(values[0] ?? defaultPostalPrefix);
      const prefix = postalPrefix(partner.postalCode, length);
      return (
        normalise(partner.country) === normalise(lead.country) &&
        prefix !== null &&
        prefix === postalPrefix(lead.postalCode, length)
      );
    }
    case 'distance':
      return (
        hasLocation(partner) &&
        distanceKm(lead.latitude!, lead.longitude!, partner.latitude!, partner.longitude!) <= Number(values[0])
      );
    case 'specialisation':
      return listMatches(partner.specialisations, values.length > 0 ? values : [normalise(lead.productInterest)]);
    case 'product':
      return listMatches(partner.products, values.length > 0 ? values : [normalise(lead.productInterest)]);
    case 'industry':
      return listMatches(partner.industries, values.length > 0 ? values : [normalise(lead.industry)]);
    case 'company_size':
      return values.length > 0
        ? values.includes(normalise(partner.segment))
        : normalise(partner.segment) === segmentOf(lead.employees);
    case 'minimum_tier': {
      const rank = context.tierRanks.get(normalise(partner.tier));
      const needed = context.tierRanks.get(values[0]);
      return rank !== undefined && needed !== undefined && rank >= needed;
    }
    case 'certification':
      return (partner.certifications ?? []).some(
        (certification) =>
          values.includes(normalise(certification.name)) &&
          certificationExpiryMs(certification.expiresOn) >= context.nowMs,
      );
    case 'partner_active':
      return normalise(partner.status) === 'active';
  }
}

/** A short phrase for explanations: "country equals the lead's (DE)". */
export function describeRule(rule: RoutingRule, lead: RoutingLead): string {
  const values = rule.value ?? [];
  const listed = values.join(', ');
  switch (rule.condition) {
    case 'country':
      return values.length > 0
        ? `partner country in ${listed}`
        : `partner in the lead's country (${lead.country ?? '—'})`;
    case 'region':
      return values.length > 0
        ? `partner region in ${listed}`
        : `partner in the lead's region (${lead.region ?? '—'}, ${lead.country ?? '—'})`;
    case 'postal_prefix': {
      const length = Number(values[0] ?? defaultPostalPrefix);
      return `partner postal code starts like the lead's (${postalPrefix(lead.postalCode, length) ?? '—'}…)`;
    }
    case 'distance':
      return `partner within ${values[0]} km of the lead`;
    case 'specialisation':
      return values.length > 0
        ? `partner specialised in ${listed}`
        : `partner specialised in the lead's interest (${lead.productInterest ?? '—'})`;
    case 'product':
      return values.length > 0
        ? `partner authorised for ${listed}`
        : `partner authorised for the lead's product (${lead.productInterest ?? '—'})`;
    case 'industry':
      return values.length > 0
        ? `partner serves ${listed}`
        : `partner serves the lead's industry (${lead.industry ?? '—'})`;
    case 'company_size':
      return values.length > 0
        ? `partner segment in ${listed}`
        : `partner segment fits the lead's size (${segmentOf(lead.employees) ?? '—'})`;
    case 'minimum_tier':
      return `partner tier at least ${values[0]}`;
    case 'certification':
      return `partner holds a current ${values.join(' or ')} certification`;
    case 'partner_active':
      return 'partner is active';
  }
}
