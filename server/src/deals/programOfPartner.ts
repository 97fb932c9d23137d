/**
 * What the registration rules need to know about the partner a registration is for: its program and
 * tier (which give the registration policy) and its certifications (which may gate registering).
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { ObjectName } from '@prm/core/schema/validate';
import { ValidationError } from '@prm/core/errors';
import type { Certification, Partner, Tier } from '@prm/core/generated/types';
import { registrationPolicy, type RegistrationPolicy } from '@prm/core/deals/policy';
import { findRecord, findRecords, type Tx } from '../store/repository.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);

export interface ProgramOfPartner {
  policy: RegistrationPolicy;
  tier: Tier | null;
  partner: Partner;
}

/** The partner's program and tier, and the registration policy they give. */
export async function programOfPartner(tx: Tx, partnerId: string): Promise<ProgramOfPartner> {
  const partner = await findRecord(tx, object('partner'), partnerId);
  if (!partner) throw new ValidationError([{ field: 'partner', message: 'must be the id of an existing partner' }]);
  const tier = partner.tier ? ((await findRecord(tx, object('tier'), partner.tier)) ?? null) : null;
  const programId = partner.program ?? tier?.program;
  const program = programId ? ((await findRecord(tx, object('program'), programId)) ?? null) : null;
  const programFields = program ?? {
    protectionDays: null,
    extensionPolicy: null,
    extensionDays: null,
    registrationRequiresCertification: false,
  };
  return { policy: registrationPolicy(programFields, tier), tier, partner };
}

export function certificationsOf(tx: Tx, partnerId: string): Promise<Certification[]> {
  return findRecords(tx, object('certification'), { partner: partnerId });
}
