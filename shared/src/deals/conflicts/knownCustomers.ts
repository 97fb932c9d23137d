/** What conflict detection compares: a customer's description, the known customers (records that can hold one) and the subject checked. */
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
