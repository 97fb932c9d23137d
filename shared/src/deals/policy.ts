/**
 * The program's registration policy for one tier: how long approval protects, when reminders go out,
 * when protection lapses, how extensions are granted, which registrations approve themselves, whether
 * registering needs a certification, and the margin uplift a registered deal earns.
 *
 * Windows are half-open: protection covers [approvedAt, protectionEndsAt). At `protectionEndsAt` exactly
 * the registration is no longer protected and is due to expire.
 */
import type { Certification, DealRegistration, Program, Tier } from '../generated/types.ts';

const dayMs = 86_400_000;

export type ExtensionPolicy = 'none' | 'once' | 'unlimited';

export interface AutoApprovalRule {
  /** Lowest tier rank that may auto-approve (1 is the entry tier); null: any tier. */
  minTierRank: number | null;
  /** Highest amount, in minor units of `currency`, that approves itself; null: no automatic approval by amount. */
  maxAmount: number | null;
  currency: string;
  /** Products that may auto-approve; null: any product. */
  products: string[] | null;
  /** The partner must hold a current certification. */
  requiresCertification: boolean;
}

export interface RegistrationPolicy {
  protectionDays: number;
  /** Days before `protectionEndsAt` on which the partner is reminded, largest first. */
  reminderDaysBeforeEnd: number[];
  /** Approved registrations lapse on their own at the end of the window. */
  autoExpire: boolean;
  extension: {
    policy: ExtensionPolicy;
    /** Days one extension adds, and the most a partner may ask for at once. */
    days: number;
    /** Most days all extensions together may add; null: no cap beyond the policy. */
    maxTotalDays: number | null;
  };
  autoApproval: AutoApprovalRule | null;
  requiresCertification: boolean;
  /** Extra margin, in percent, a registered (approved) deal earns. */
  marginUpliftPercent: number;
}

/** Settings the program schema does not declare yet; each has the common default. */
export interface RegistrationPolicySettings {
  reminderDaysBeforeEnd?: number[];
  autoExpire?: boolean;
  maxTotalExtensionDays?: number | null;
  autoApproveMinTierRank?: number | null;
  autoApproveProducts?: string[] | null;
  autoApproveRequiresCertification?: boolean;
}

export const defaultProtectionDays = 90;
export const defaultExtensionDays = 30;
export const defaultReminderDaysBeforeEnd = [14, 3];

type ProgramPolicyFields = Pick<
  Program,
  'protectionDays' | 'extensionPolicy' | 'extensionDays' | 'registrationRequiresCertification'
>;
type TierPolicyFields = Pick<Tier, 'rank' | 'currency' | 'protectionDays' | 'registeredDealUplift' | 'autoApproveUpTo'>;

/** The policy that applies to a partner of `tier` in `program`: the tier's own values win over the program's. */
export function registrationPolicy(
  program: ProgramPolicyFields,
  tier: TierPolicyFields | null,
  settings: RegistrationPolicySettings = {},
): RegistrationPolicy {
  const maxAmount = tier?.autoApproveUpTo ?? null;
  return {
    protectionDays: tier?.protectionDays ?? program.protectionDays ?? defaultProtectionDays,
    reminderDaysBeforeEnd: [...(settings.reminderDaysBeforeEnd ?? defaultReminderDaysBeforeEnd)].sort((a, b) => b - a),
    autoExpire: settings.autoExpire ?? true,
    extension: {
      policy: program.extensionPolicy ?? 'once',
      days: program.extensionDays ?? defaultExtensionDays,
      maxTotalDays: settings.maxTotalExtensionDays ?? null,
    },
    autoApproval:
      maxAmount === null || tier === null
        ? null
        : {
            minTierRank: settings.autoApproveMinTierRank ?? null,
            maxAmount,
            currency: tier.currency,
            products: settings.autoApproveProducts ?? null,
            requiresCertification: settings.autoApproveRequiresCertification ?? false,
          },
    requiresCertification: program.registrationRequiresCertification ?? false,
    marginUpliftPercent: tier?.registeredDealUplift ?? 0,
  };
}

export function addDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * dayMs).toISOString();
}

/** When protection granted at `approvedAt` for `days` ends. */
export function protectionEndsAt(approvedAt: string, days: number): string {
  return addDays(approvedAt, days);
}

type ProtectionFields = Pick<DealRegistration, 'status' | 'protectionEndsAt'>;

/** Protected: approved (or converted) and before the end of the window. */
export function isProtected(registration: ProtectionFields, now: string): boolean {
  return (
    (registration.status === 'approved' || registration.status === 'converted') &&
    registration.protectionEndsAt !== null &&
    Date.parse(now) < Date.parse(registration.protectionEndsAt)
  );
}

export interface Reminder {
  daysBeforeEnd: number;
  dueAt: string;
}

/**
 * Reminders that are due now and not yet sent. A reminder whose moment passed while a later one is also
 * due is dropped: the partner needs the most urgent message, not a backlog.
 */
export function remindersDue(
  registration: ProtectionFields,
  policy: RegistrationPolicy,
  now: string,
  alreadySent: readonly number[],
): Reminder[] {
  if (!isProtected(registration, now)) return [];
  const end = registration.protectionEndsAt!;
  const due = policy.reminderDaysBeforeEnd
    .map((daysBeforeEnd) => ({ daysBeforeEnd, dueAt: addDays(end, -daysBeforeEnd) }))
    .filter((r) => Date.parse(r.dueAt) <= Date.parse(now) && !alreadySent.includes(r.daysBeforeEnd));
  return due.length === 0 ? [] : [due[due.length - 1]];
}

export interface ExpiryDecision {
  due: boolean;
  reason: string;
}

export function expiryDue(registration: ProtectionFields, policy: RegistrationPolicy, now: string): ExpiryDecision {
  if (registration.status !== 'approved') {
    return { due: false, reason: `only an approved registration expires; this one is ${registration.status}` };
  }
  if (registration.protectionEndsAt === null)
    return { due: false, reason: 'the registration has no protection end date' };
  if (Date.parse(now) < Date.parse(registration.protectionEndsAt)) {
    return { due: false, reason: `protection runs until ${registration.protectionEndsAt}` };
  }
  if (!policy.autoExpire) {
    return { due: false, reason: 'the program does not expire registrations automatically; a manager decides' };
  }
  return { due: true, reason: `protection ended at ${registration.protectionEndsAt}` };
}

export interface ExtensionDecision {
  granted: boolean;
  /** The new end of protection when granted. */
  protectionEndsAt: string | null;
  reasons: string[];
}

type ExtensionFields = Pick<DealRegistration, 'status' | 'protectionEndsAt' | 'extensionsUsed'> & {
  /** Days already added by extensions; when absent, assumed to be `extensionsUsed` full extensions. */
  extensionDaysUsed?: number;
};

/** Whether an extension of `days` may be granted now, and why (or why not). */
export function decideExtension(
  registration: ExtensionFields,
  policy: RegistrationPolicy,
  days: number,
  now: string,
): ExtensionDecision {
  const refuse = (reason: string): ExtensionDecision => ({ granted: false, protectionEndsAt: null, reasons: [reason] });
  const used = registration.extensionsUsed ?? 0;
  const { extension } = policy;
  if (!Number.isInteger(days) || days < 1) return refuse('an extension must be a whole number of days, at least 1');
  if (extension.policy === 'none') return refuse('the program does not allow extensions');
  if (registration.status !== 'approved' || registration.protectionEndsAt === null) {
    return refuse(`only an approved registration can be extended; this one is ${registration.status}`);
  }
  if (Date.parse(now) >= Date.parse(registration.protectionEndsAt)) {
    return refuse(`protection already ended at ${registration.protectionEndsAt}; ask for a new registration`);
  }
  if (extension.policy === 'once' && used >= 1) return refuse('the program allows one extension and it has been used');
  if (days > extension.days) return refuse(`an extension may add at most ${extension.days} days`);
  const daysUsed = registration.extensionDaysUsed ?? used * extension.days;
  if (extension.maxTotalDays !== null && daysUsed + days > extension.maxTotalDays) {
    return refuse(
      `extensions may add at most ${extension.maxTotalDays} days in all; ${daysUsed} already added, ${Math.max(0, extension.maxTotalDays - daysUsed)} left`,
    );
  }
  const ends = addDays(registration.protectionEndsAt, days);
  return { granted: true, protectionEndsAt: ends, reasons: [`protection extended by ${days} days, to ${ends}`] };
}

type CertificationFields = Pick<Certification, 'partner' | 'status' | 'expiresOn'>;

/** A certification counts while it is active and its expiry day has not passed. */
export function isCertificationCurrent(certification: CertificationFields, now: string): boolean {
  return (
    certification.status === 'active' &&
    (certification.expiresOn === null || certification.expiresOn >= now.slice(0, 10))
  );
}

export function holdsCurrentCertification(
  partner: string,
  certifications: readonly CertificationFields[],
  now: string,
): boolean {
  return certifications.some((c) => c.partner === partner && isCertificationCurrent(c, now));
}

/** Null when the partner may register; otherwise the reason, phrased for the partner. */
export function certificationGate(
  policy: RegistrationPolicy,
  partner: string,
  certifications: readonly CertificationFields[],
  now: string,
): string | null {
  if (!policy.requiresCertification || holdsCurrentCertification(partner, certifications, now)) return null;
  return 'the program requires at least one person at your company to hold a current certification before you register deals';
}

export interface AutoApprovalDecision {
  approve: boolean;
  /** Every rule checked, passed or failed, so a manager sees why it was (not) automatic. */
  reasons: string[];
}

type AutoApprovalFields = Pick<DealRegistration, 'partner' | 'amount' | 'currency' | 'product' | 'conflictVerdict'>;

/** Whether a registration approves itself. Anything short of a clean pass goes to a manager. */
export function decideAutoApproval(
  registration: AutoApprovalFields,
  policy: RegistrationPolicy,
  context: { tierRank: number | null; certifications: readonly CertificationFields[]; now: string },
): AutoApprovalDecision {
  const rule = policy.autoApproval;
  if (rule === null) return { approve: false, reasons: ['the tier has no automatic approval; a manager decides'] };
  const failed: string[] = [];
  const passed: string[] = [];
  const check = (ok: boolean, pass: string, fail: string) => (ok ? passed : failed).push(ok ? pass : fail);

  check(
    registration.conflictVerdict === 'none',
    'no conflict was found',
    registration.conflictVerdict === null
      ? 'the conflict check has not run'
      : `the conflict check found a ${registration.conflictVerdict === 'conflict' ? 'conflict' : 'possible conflict'}`,
  );
  if (rule.minTierRank !== null) {
    check(
      context.tierRank !== null && context.tierRank >= rule.minTierRank,
      `the partner's tier (rank ${context.tierRank}) allows automatic approval`,
      `automatic approval needs tier rank ${rule.minTierRank} or above`,
    );
  }
  if (rule.maxAmount !== null) {
    check(
      registration.currency === rule.currency && registration.amount <= rule.maxAmount,
      `the amount is within the automatic approval limit`,
      registration.currency !== rule.currency
        ? `the automatic approval limit is in ${rule.currency}, the deal is in ${registration.currency}`
        : `the amount is above the automatic approval limit of ${rule.maxAmount} ${rule.currency} minor units`,
    );
  }
  if (rule.products !== null) {
    check(
      registration.product !== null && rule.products.includes(registration.product),
      `product ${registration.product} may be approved automatically`,
      `product ${registration.product ?? '(none)'} is not among those approved automatically`,
    );
  }
  if (rule.requiresCertification) {
    check(
      holdsCurrentCertification(registration.partner, context.certifications, context.now),
      'the partner holds a current certification',
      'automatic approval needs a current certification',
    );
  }
  return failed.length === 0 ? { approve: true, reasons: passed } : { approve: false, reasons: [...failed, ...passed] };
}

export type Attribution = 'sourced' | 'influenced';

/**
 * Partner-sourced only when the partner registered before the vendor engaged, was approved, and the
 * deal closes inside the protection window; otherwise partner-influenced (never both).
 */
export function attributionAt(
  registration: Pick<DealRegistration, 'submittedAt' | 'protectionEndsAt'> & { decidedAt: string | null },
  at: string,
  vendorEngagedAt: string | null,
): { attribution: Attribution; reason: string } {
  if (registration.decidedAt === null || registration.protectionEndsAt === null) {
    return { attribution: 'influenced', reason: 'the registration was never approved' };
  }
  if (
    vendorEngagedAt !== null &&
    registration.submittedAt !== null &&
    Date.parse(vendorEngagedAt) <= Date.parse(registration.submittedAt)
  ) {
    return {
      attribution: 'influenced',
      reason: `the vendor engaged the customer (${vendorEngagedAt}) before the partner registered`,
    };
  }
  if (Date.parse(at) >= Date.parse(registration.protectionEndsAt)) {
    return { attribution: 'influenced', reason: `the protection window ended at ${registration.protectionEndsAt}` };
  }
  return {
    attribution: 'sourced',
    reason: 'registered before any vendor engagement, approved, and inside the protection window',
  };
}
