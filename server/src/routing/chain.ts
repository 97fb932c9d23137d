/**
 * What the routing core reads, built from the store: a program's rule chain (its routing rules, tiers
 * and lead SLA), the partners that take part in its lead distribution, and a lead. Only mapping lives
 * here; which partner gets a lead is decided by the core (shared/src/routing).
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { sqlTableName } from '@prm/core/hosts/sql';
import { ConfigurationError, ValidationError } from '@prm/core/errors';
import type { Lead, Program, RoutingRule as RuleRecord } from '@prm/core/generated/types';
import {
  defaultBusinessHours,
  routingChain,
  type Fallback,
  type PartnerCertification,
  type RoutingChain,
  type RoutingLead,
  type RoutingPartner,
  type RoutingRule,
  type TierWeight,
} from '@prm/core/routing/rules';
import { columnFor, recordTables } from '../store/records.ts';
import type { ObjectName } from '@prm/core/schema/validate';
import { findRecord, findRecords, type Tx } from '../store/repository.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);

/** Leads nobody in the program can take go to the vendor's own team. */
export const directTeamFallback: Fallback = { kind: 'direct_queue', queue: 'direct-sales' };

/**
 * Offers counted per calendar week: long enough that a partner's weekly bandwidth is what a period
 * limit means, short enough that a quiet week does not carry over.
 */
const capacityPeriod: RoutingChain['capacityPeriod'] = 'week';

export async function allPrograms(tx: Tx): Promise<Program[]> {
  return findRecords(tx, object('program'), {}, ['createdAt', 'id']);
}

export async function findProgram(tx: Tx, programId: string): Promise<Program | undefined> {
  return findRecord(tx, object('program'), programId);
}

/**
 * The program a lead is routed in. A lead carries no program, so a manager names it, or the one
 * active program is meant; with several active programs the choice is the manager's to make.
 */
export async function programForRouting(tx: Tx, requested: string | undefined): Promise<Program> {
  if (requested) {
    const program = await findProgram(tx, requested);
    if (!program) throw new ValidationError([{ field: 'program', message: 'must be the id of an existing program' }]);
    if (program.active === false)
      throw new ValidationError([{ field: 'program', message: 'must be an active program' }]);
    return program;
  }
  const active = (await allPrograms(tx)).filter((program) => program.active !== false);
  if (active.length === 1) return active[0];
  throw new ValidationError([
    {
      field: 'program',
      message:
        active.length === 0
          ? 'there is no active program to route leads in'
          : 'is required: several programs are active',
    },
  ]);
}

/** A rule's comma-separated value as the core's list; empty means "compare with the lead's own value". */
function valuesOf(value: string | null): string[] | undefined {
  const values = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return values.length > 0 ? values : undefined;
}

export interface ChainOptions {
  /** Claim mode: offer a round to this many partners at once (1 = one at a time). */
  offerTo?: number;
}

/** A stored rule as the core reads it. */
function ruleOf(rule: RuleRecord): RoutingRule {
  return {
    id: rule.id,
    name: rule.name,
    sequence: rule.sequence,
    condition: rule.condition,
    operator: rule.operator,
    value: valuesOf(rule.value),
    mode: rule.mode,
    strategy: rule.strategy ?? undefined,
    active: true,
  };
}

/** The stored routing rules of a program (active or not), in sequence. */
export async function storedRoutingRules(tx: Tx, programId: string): Promise<RuleRecord[]> {
  return findRecords(tx, object('routingRule'), { program: programId }, ['sequence', 'id']);
}

/** A problem of a program's chain, on the stored rule it belongs to (none: the chain as a whole). */
export interface ChainProblem {
  rule: RuleRecord | null;
  /** The rule's own field (`value`), or the chain's (`tiers.1.rank`) when the problem is not one rule's. */
  field: string;
  message: string;
}

/**
 * Everything wrong with these rules as the program's chain, from the core's own validation (the
 * operators per condition, the tier names, the sequences): the check made when a rule is saved, when
 * admins ask for the rules' problems, and before routing.
 */
export async function chainProblems(tx: Tx, program: Program, records: RuleRecord[]): Promise<ChainProblem[]> {
  const active = records.filter((rule) => rule.active !== false);
  try {
    await chainOf(tx, program, active, {});
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map((problem) => {
      const match = /^rules\.(\d+)\.(.+)$/.exec(problem.field);
      return match
        ? { rule: active[Number(match[1])], field: match[2], message: problem.message }
        : { rule: null, field: problem.field, message: problem.message };
    });
  }
}

async function chainOf(tx: Tx, program: Program, records: RuleRecord[], options: ChainOptions): Promise<RoutingChain> {
  const tiers: TierWeight[] = (await findRecords(tx, object('tier'), { program: program.id }, ['rank', 'id'])).map(
    (tier) => ({
      name: tier.name,
      rank: tier.rank,
      // A tier without a lead weight gives the ordinary share, as the core does for a partner without one.
      leadWeight: tier.leadWeight ?? 1,
    }),
  );
  return routingChain({
    rules: records.map(ruleOf),
    fallback: directTeamFallback,
    tiers,
    strategy: 'weighted',
    slaHours: program.leadSlaHours ?? 24,
    maxAttempts: program.maxOfferAttempts ?? 3,
    businessHours: defaultBusinessHours,
    defaultTimeZone: 'UTC',
    offerTo: options.offerTo ?? 1,
    capacityPeriod,
  });
}

/**
 * The program's chain: its active rules in sequence, its tiers' weights, its SLA and attempts. A chain
 * that does not validate is the program's configuration at fault, not the request's: rules are checked
 * when saved, so this happens only when something they depend on changed since (a tier renamed).
 */
export async function loadRoutingChain(tx: Tx, program: Program, options: ChainOptions = {}): Promise<RoutingChain> {
  const records = (await storedRoutingRules(tx, program.id)).filter((rule) => rule.active !== false);
  try {
    return await chainOf(tx, program, records, options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigurationError(
      (await chainProblems(tx, program, records)).map(({ rule, field, message }) => ({
        field: rule ? `routingRule ${rule.name} (${rule.id}).${field}` : `program ${program.name}.${field}`,
        message,
      })),
    );
  }
}

/**
 * The partners of the program's lead distribution: its active partners, with their tier's name, their
 * current certifications and their capacity and weight. Partners that do not accept leads stay in the
 * list so the core can say why they were passed over.
 */
export async function loadRoutingPartners(tx: Tx, program: Program): Promise<RoutingPartner[]> {
  const partners = await findRecords(tx, object('partner'), { program: program.id, status: 'active' }, [
    'createdAt',
    'id',
  ]);
  const tierNames = new Map(
    (await findRecords(tx, object('tier'), { program: program.id }, ['id'])).map((tier) => [tier.id, tier.name]),
  );
  const certification = object('certification');
  const partnerTable = object('partner');
  const records = recordTables(tx.db);
  const certificationRows = await records
    .selectFrom(sqlTableName(certification))
    .select([columnFor(certification, 'partner'), 'name', columnFor(certification, 'expiresOn')])
    .where(columnFor(certification, 'status'), '=', 'active')
    .where(
      columnFor(certification, 'partner'),
      'in',
      records
        .selectFrom(sqlTableName(partnerTable))
        .select('id')
        .where(columnFor(partnerTable, 'program'), '=', program.id),
    )
    .execute();
  const certifications = new Map<string, PartnerCertification[]>();
  for (const row of certificationRows) {
    const partnerId = String(row[columnFor(certification, 'partner')]);
    const list = certifications.get(partnerId) ?? [];
    list.push({
      name: String(row.name),
      expiresOn: (row[columnFor(certification, 'expiresOn')] as string | null) ?? null,
    });
    certifications.set(partnerId, list);
  }
  return partners.map((partner) => ({
    id: partner.id,
    name: partner.name,
    status: partner.status,
    tier: partner.tier ? (tierNames.get(partner.tier) ?? null) : null,
    country: partner.country,
    region: partner.region,
    postalCode: partner.postalCode,
    latitude: partner.latitude,
    longitude: partner.longitude,
    timeZone: partner.timeZone,
    specialisations: partner.specialisations ?? [],
    industries: partner.industries ?? [],
    segment: partner.segment,
    certifications: certifications.get(partner.id) ?? [],
    leadCapacity: partner.leadCapacity,
    // No per-period limit is kept on the partner record yet.
    periodCapacity: null,
    leadWeight: partner.leadWeight,
    acceptsLeads: partner.acceptsLeads !== false,
  }));
}

export function routingLeadOf(lead: Lead): RoutingLead {
  return {
    id: lead.id,
    company: lead.company,
    country: lead.country,
    region: lead.region,
    postalCode: lead.postalCode,
    industry: lead.industry,
    employees: lead.employees,
    productInterest: lead.productInterest,
  };
}
