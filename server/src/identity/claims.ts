/**
 * Who an OpenID Connect sign-in is in the PRM: the identity provider's claims become a role and, for
 * partner users, a partner. One pure function, so every refusal rule is tested without a provider.
 */
import { isPartnerUser } from '../auth/policy.ts';
import { roles, type Role } from '@prm/core/schema/roles';

export interface ClaimMapping {
  /** The claim holding a PRM role name (default `prm_role`). */
  roleClaim: string;
  /** The claim holding the partner's id or CRM id (default `prm_partner`). */
  partnerClaim: string;
  /** A claim holding group names, used when the role claim is absent. */
  groupsClaim?: string;
  /** Group name → PRM role, for groupsClaim. */
  groupRoles: Record<string, Role>;
}

export type MappedSignIn =
  | { ok: true; email: string; name: string; role: Role; partnerId: string | null }
  | { ok: false; claim: string; message: string };

const refuse = (claim: string, message: string): MappedSignIn => ({ ok: false, claim, message });

function roleFrom(claims: Record<string, unknown>, mapping: ClaimMapping): Role | MappedSignIn {
  const claimed = claims[mapping.roleClaim];
  if (typeof claimed === 'string' && claimed) {
    if ((roles as readonly string[]).includes(claimed)) return claimed as Role;
    return refuse(
      mapping.roleClaim,
      `The claim ${mapping.roleClaim} is "${claimed}", which is not a PRM role. It must be one of: ${roles.join(', ')}.`,
    );
  }
  const groups = mapping.groupsClaim ? claims[mapping.groupsClaim] : undefined;
  if (mapping.groupsClaim && Array.isArray(groups)) {
    const mapped = new Set(groups.map((group) => mapping.groupRoles[String(group)]).filter(Boolean));
    // Two roles from two groups would make the PRM pick one; the provider's groups must be fixed instead.
    if (mapped.size > 1)
      return refuse(
        mapping.groupsClaim,
        `The groups in ${mapping.groupsClaim} map to several PRM roles (${[...mapped].join(', ')}); a user needs exactly one.`,
      );
    if (mapped.size === 1) return [...mapped][0]!;
  }
  return refuse(
    mapping.roleClaim,
    `The identity provider sent no ${mapping.roleClaim} claim${mapping.groupsClaim ? ` and no group in ${mapping.groupsClaim} that maps to a PRM role` : ''}. Give the user one of: ${roles.join(', ')}.`,
  );
}

/**
 * The PRM user an identity provider's claims describe, or the reason to refuse the sign-in.
 * `partnerIdFor` turns the partner claim (a partner id or CRM id) into a known partner's id, or null.
 */
export function mapClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
  partnerIdFor: (claimed: string) => string | null,
): MappedSignIn {
  const email = claims.email;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    return refuse(
      'email',
      'The identity provider sent no email address; request the "email" scope and give the user an email.',
    );
  if (claims.email_verified !== true)
    return refuse(
      'email_verified',
      `The email ${email} is not verified at the identity provider; verify it there first.`,
    );
  const role = roleFrom(claims, mapping);
  if (typeof role === 'object') return role;
  const claimedPartner = claims[mapping.partnerClaim];
  const partnerValue = typeof claimedPartner === 'string' && claimedPartner ? claimedPartner : null;
  let partnerId: string | null = null;
  if (isPartnerUser(role)) {
    if (!partnerValue)
      return refuse(
        mapping.partnerClaim,
        `A ${role} belongs to a partner, but the claim ${mapping.partnerClaim} is missing.`,
      );
    partnerId = partnerIdFor(partnerValue);
    if (!partnerId)
      return refuse(
        mapping.partnerClaim,
        `The claim ${mapping.partnerClaim} is "${partnerValue}", which is neither the id nor the CRM id of a partner in the PRM.`,
      );
  } else if (partnerValue) {
    return refuse(
      mapping.partnerClaim,
      `A ${role} works for the vendor, not for a partner, yet the claim ${mapping.partnerClaim} names "${partnerValue}". Remove the claim or give the user a partner role.`,
    );
  }
  const given = [claims.given_name, claims.family_name].filter((part) => typeof part === 'string' && part).join(' ');
  const name = typeof claims.name === 'string' && claims.name ? claims.name : given || email;
  return { ok: true, email: email.toLowerCase(), name, role, partnerId };
}
