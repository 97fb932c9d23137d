/** What conflict detection compares: a customer's description, the known customers (records that can hold one) and the subject checked. */
import type { DealRegistration, NamedAccount } from '../../generated/types.ts';
import type { RegistrationStatus } from '../lifecycle.ts';

export type ConflictVerdict = 'none' | 'possible' | 'conflict';

/** At or above `conflict` two descriptions are taken as one customer; between the two a person should look. */
export const matchThresholds = { conflict: 0.9, possible: 0.7 } as const;

/** What a customer is called and where: the part of any record that conflict detection compares. */
export interface CustomerDescription {
  customerName: string;
  /** The customer's web domain or a URL ("acme.com", "https://eu.acme.com"). */
  customerDomain?: string | null;
  /** A contact's e-mail address or its domain; free-mail providers are ignored. */
  customerContactEmail?: string | null;
  customerCountry?: string | null;
}

/** Everything the vendor knows that can hold a customer. */
export type KnownRecordKind = 'registration' | 'opportunity' | 'customer' | 'namedAccount';

export interface KnownCustomerRecord extends CustomerDescription {
  id: string;
  kind: KnownRecordKind;
  /** Registrations: the partner that registered. */
  partner?: string | null;
  status?: RegistrationStatus | null;
  /** Registrations: ISO instant; decides who was first. */
  submittedAt?: string | null;
  /** Registrations: ISO instant the protection lapses. */
  protectionEndsAt?: string | null;
  /** Opportunities: still open in the vendor's pipeline. */
  open?: boolean | null;
  /** Named accounts: YYYY-MM-DD, last day of the reservation; null means reserved without end. */
  reservedUntil?: string | null;
  /** Named accounts: the direct seller who owns it. */
  accountOwner?: string | null;
}

/** A registration or check subject: who is asking, and since when, so "first valid registration wins". */
export interface ConflictSubject extends CustomerDescription {
  id: string;
  partner?: string | null;
  submittedAt?: string | null;
}

/**
 * A registration as conflict detection sees it, both as a known customer and as the subject of its own
 * check (a subject is read for its customer, partner and submittedAt): one builder, so what a
 * registration holds and what it is checked for are the same fields.
 */
export function registrationAsKnown(
  registration: Pick<
    DealRegistration,
    | 'id'
    | 'customerName'
    | 'customerDomain'
    | 'customerContactEmail'
    | 'customerCountry'
    | 'partner'
    | 'status'
    | 'submittedAt'
    | 'protectionEndsAt'
  >,
): KnownCustomerRecord & ConflictSubject {
  return {
    id: registration.id,
    kind: 'registration',
    customerName: registration.customerName,
    customerDomain: registration.customerDomain,
    customerContactEmail: registration.customerContactEmail,
    customerCountry: registration.customerCountry,
    partner: registration.partner,
    status: registration.status,
    submittedAt: registration.submittedAt,
    protectionEndsAt: registration.protectionEndsAt,
  };
}

/** A named account reserves its customer to the direct team: its name and web site are the customer's. */
export function namedAccountAsKnown(
  account: Pick<
    NamedAccount,
    'id' | 'name' | 'customerDomain' | 'website' | 'country' | 'reservedUntil' | 'accountOwner'
  >,
): KnownCustomerRecord {
  return {
    id: account.id,
    kind: 'namedAccount',
    customerName: account.name,
    customerDomain: account.customerDomain ?? account.website,
    customerCountry: account.country,
    reservedUntil: account.reservedUntil,
    accountOwner: account.accountOwner,
  };
}
