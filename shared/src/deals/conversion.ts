/**
 * Conversion: an approved registration becomes an opportunity in the CRM that keeps the partner's
 * attribution — partner-sourced when the partner registered first and the deal is inside the window,
 * partner-influenced otherwise — and the registration moves to converted, pointing at it.
 */
import type { DealRegistration } from '../generated/types.ts';
import { TransitionError } from '../errors.ts';
import type { Money } from '../money.ts';
import { transitionRegistration, type Actor } from './lifecycle.ts';
import { attributionAt, isProtected, type Attribution } from './policy.ts';

/** What a host needs to create the opportunity, in the core's words. */
export interface OpportunityDraft {
  name: string;
  accountName: string;
  accountDomain: string | null;
  country: string;
  amount: Money;
  /** YYYY-MM-DD. */
  closeOn: string;
  product: string | null;
  partner: string;
  dealRegistration: string;
  attribution: Attribution;
  attributionReason: string;
  /** The partner keeps protection on the opportunity until then. */
  protectedUntil: string;
}

/**
 * The opportunity to create for an approved, still protected registration. `vendorEngagedAt` is when the
 * vendor's own team first worked this customer (an earlier opportunity, a named account), if ever.
 */
export function opportunityFromRegistration(
  registration: DealRegistration,
  now: string,
  vendorEngagedAt: string | null = null,
): OpportunityDraft {
  if (!isProtected(registration, now) || registration.status !== 'approved') {
    throw new TransitionError(
      registration.status,
      'converted',
      'only an approved registration inside its protection window can be converted',
    );
  }
  const { attribution, reason } = attributionAt(registration, now, vendorEngagedAt);
  return {
    name: registration.opportunityName,
    accountName: registration.customerName,
    accountDomain: registration.customerDomain,
    country: registration.customerCountry,
    amount: { amount: registration.amount, currency: registration.currency },
    closeOn: registration.expectedCloseOn,
    product: registration.product,
    partner: registration.partner,
    dealRegistration: registration.id,
    attribution,
    attributionReason: reason,
    protectedUntil: registration.protectionEndsAt!,
  };
}

/** Marks the registration converted once the host has created the opportunity with id `opportunityId`. */
export function convertRegistration(
  registration: DealRegistration,
  opportunityId: string,
  input: { actor: Actor; now: string; vendorEngagedAt?: string | null },
): { registration: DealRegistration } {
  return transitionRegistration(registration, 'converted', {
    actor: input.actor,
    now: input.now,
    opportunityId,
    vendorEngagedAt: input.vendorEngagedAt ?? null,
    reason: null,
  });
}
