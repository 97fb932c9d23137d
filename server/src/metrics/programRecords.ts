/**
 * The records the program's figures are computed from (computeMetrics's input), gathered once for
 * metrics, scorecards, the BI export and the tier evaluation, so a tier criterion and a scorecard
 * always count the same deals.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { Certification, FundClaim, FundRequest, MdfBudget, Partner, Program } from '@prm/core/generated/types';
import type { MetricsInput } from '@prm/core/metrics/programMetrics';
import { dealColumnsFrom } from '@prm/core/metrics/dealColumns';
import { findRecord, unseenLookup, type Tx } from '../store/repository.ts';
import { listAll } from '../store/allRecords.ts';

/** The program whose currency and rules apply: the one named, or the only one there is. */
export async function programFor(tx: Tx, programId?: string): Promise<Program> {
  if (programId) {
    const found = await findRecord(tx, objectNamed(prmObjects, 'program'), programId);
    if (!found) throw new ValidationError([{ field: 'program', message: 'must be the id of a partner program' }]);
    return found;
  }
  const programs = await listAll(tx, 'program');
  const active = programs.filter((program) => program.active !== false);
  if (active.length === 1) return active[0];
  throw new ValidationError([
    {
      field: 'program',
      message: active.length === 0 ? 'No active partner program exists.' : 'Name the program: more than one is active.',
    },
  ]);
}

export interface ProgramRecords {
  program: Program;
  partners: Partner[];
  input: MetricsInput;
  requests: FundRequest[];
  claims: FundClaim[];
  budgets: MdfBudget[];
  certifications: Certification[];
}

/**
 * Everything computeMetrics reads, for every partner or for one. Restricting to one partner is exact,
 * not an approximation: every additive figure of a scorecard depends only on that partner's records.
 */
export async function gatherProgramRecords(
  tx: Tx,
  options: { program?: string; partner?: string } = {},
): Promise<ProgramRecords> {
  const program = await programFor(tx, options.program);
  const byPartner = options.partner ? { partner: options.partner } : {};
  let partners: Partner[];
  if (options.partner) {
    const found = await findRecord(tx, objectNamed(prmObjects, 'partner'), options.partner);
    if (!found) throw new ValidationError([unseenLookup('partner', objectNamed(prmObjects, 'partner'))]);
    partners = [found];
  } else partners = await listAll(tx, 'partner');
  const [contacts, deals, enrollments, certifications, npsResponses, budgets, allocations, requests, claims] =
    await Promise.all([
      listAll(tx, 'partnerContact', byPartner),
      listAll(tx, 'dealRegistration', byPartner),
      listAll(tx, 'enrollment', byPartner),
      listAll(tx, 'certification', byPartner),
      listAll(tx, 'npsResponse', byPartner),
      listAll(tx, 'mdfBudget'),
      listAll(tx, 'mdfAllocation', byPartner),
      listAll(tx, 'fundRequest', byPartner),
      listAll(tx, 'fundClaim', byPartner),
    ]);
  const usersOf = new Map<string, number>();
  for (const contact of contacts)
    if (contact.partner) usersOf.set(contact.partner, (usersOf.get(contact.partner) ?? 0) + 1);
  const partnerIds = partners.map((partner) => partner.id);
  return {
    program,
    partners,
    requests,
    claims,
    budgets,
    certifications,
    input: {
      currency: program.currency,
      partners: partners.map((partner) => ({
        id: partner.id,
        tier: partner.tier,
        onboardingCompletedOn: partner.onboardingCompletedOn,
        partnerUsers: usersOf.get(partner.id) ?? 0,
      })),
      deals: dealColumnsFrom(deals, partnerIds, program.currency),
      enrollments,
      certifications,
      npsResponses,
      mdf: { budgets, allocations, requests, claims },
    },
  };
}
