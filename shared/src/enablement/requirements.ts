/**
 * Enablement requirements: what a partner must have completed to hold a tier or to take an action
 * (registering deals, requesting MDF). The answer lists every missing item so the partner knows what to do.
 */
import type { Program } from '../generated/types.ts';
import { isCurrent, type CertificationRecord } from './certifications.ts';
import type { EnrollmentRecord } from './completions.ts';

export type GatedAction = 'register_deal' | 'request_mdf' | 'receive_leads';

export interface EnablementRequirement {
  appliesTo: { tier: string } | { action: GatedAction };
  /** Current certifications with this name, held by at least `holders` people (default 1). */
  certification?: { name: string; holders?: number };
  /** Course ids someone at the partner must have completed. */
  courses?: string[];
}

export interface RequirementCheck {
  met: boolean;
  missing: string[];
}

export interface PartnerEnablement {
  certifications: readonly CertificationRecord[];
  enrollments: readonly EnrollmentRecord[];
}

function check(
  requirements: readonly EnablementRequirement[],
  enablement: PartnerEnablement,
  today: string,
): RequirementCheck {
  const missing: string[] = [];
  for (const requirement of requirements) {
    if (requirement.certification) {
      const { name, holders = 1 } = requirement.certification;
      const held = new Set(
        enablement.certifications.filter((c) => c.name === name && isCurrent(c, today)).map((c) => c.partnerContact),
      ).size;
      if (held < holders) missing.push(`${holders} people with a current ${name} certification (${held} now)`);
    }
    for (const course of requirement.courses ?? []) {
      if (!enablement.enrollments.some((e) => e.course === course && e.status === 'completed'))
        missing.push(`someone to complete course ${course}`);
    }
  }
  return { met: missing.length === 0, missing };
}

export function meetsTierRequirements(
  tier: string,
  requirements: readonly EnablementRequirement[],
  enablement: PartnerEnablement,
  today: string,
): RequirementCheck {
  return check(
    requirements.filter((r) => 'tier' in r.appliesTo && r.appliesTo.tier === tier),
    enablement,
    today,
  );
}

/**
 * Whether the partner may take the action. The program switch `registrationRequiresCertification`
 * adds "any current certification" to deal registration on top of the configured requirements.
 */
export function mayTakeAction(
  action: GatedAction,
  program: Pick<Program, 'registrationRequiresCertification'>,
  requirements: readonly EnablementRequirement[],
  enablement: PartnerEnablement,
  today: string,
): RequirementCheck {
  const result = check(
    requirements.filter((r) => 'action' in r.appliesTo && r.appliesTo.action === action),
    enablement,
    today,
  );
  if (
    action === 'register_deal' &&
    program.registrationRequiresCertification &&
    !enablement.certifications.some((c) => isCurrent(c, today))
  ) {
    result.missing.unshift('a current certification before registering deals');
    result.met = false;
  }
  return result;
}
