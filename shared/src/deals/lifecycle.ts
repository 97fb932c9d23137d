/**
 * The life of a deal registration: draft → submitted → in review → approved / rejected → converted →
 * won / lost, with expired and withdrawn on the side. Each transition below says who may make it and
 * what must be true; `transitionRegistration` enforces exactly that and records who, when and why on
 * the registration (decidedBy, decidedAt, decisionReason); the host's audit log keeps its history.
 */
import type { Certification, DealRegistration } from '../generated/types.ts';
import { NotAllowedError, TransitionError, ValidationError, type FieldProblem } from '../errors.ts';
import { roleDefinitions, type Role } from '../schema/roles.ts';
import { registrationStatuses } from './schema.ts';
import { submissionProblems } from './submission.ts';
import {
  attributionAt,
  certificationGate,
  decideExtension,
  protectionEndsAt,
  type Attribution,
  type RegistrationPolicy,
} from './policy.ts';

export type RegistrationStatus = (typeof registrationStatuses)[number];

/** A person acting in a role, or the program's own rules (auto-approval, the expiry timer). */
export type Actor =
  | { kind: 'user'; userId: string; role: Role; /** Partner users: their own partner. */ partner?: string | null }
  | { kind: 'system'; name: string };

export interface TransitionInput {
  actor: Actor;
  now: string;
  reason?: string | null;
  /** approve, submit: the policy for the partner's tier. */
  policy?: RegistrationPolicy;
  /** submit: the partner's certifications, when the program gates registration on them. */
  certifications?: readonly Pick<Certification, 'partner' | 'status' | 'expiresOn'>[];
  /** convert: the opportunity created in the CRM. */
  opportunityId?: string | null;
  /** convert: when the vendor first engaged this customer, if it did; decides sourced vs influenced. */
  vendorEngagedAt?: string | null;
}

export type TransitionAction =
  'submit' | 'startReview' | 'approve' | 'reject' | 'convert' | 'win' | 'lose' | 'expire' | 'withdraw';

type Performer = Role | 'system';

interface TransitionRule {
  action: TransitionAction;
  from: readonly RegistrationStatus[];
  to: RegistrationStatus;
  by: readonly Performer[];
  /** A reason is required from these statuses (empty: never required). */
  reasonRequiredFrom: readonly RegistrationStatus[];
  /** Preconditions: problems with inputs (ValidationError) or a state that forbids the move (TransitionError). */
  check(registration: DealRegistration, input: TransitionInput): { problems: FieldProblem[]; refusal: string | null };
  apply(registration: DealRegistration, input: TransitionInput, performer: string): Partial<DealRegistration>;
}

const managers: readonly Performer[] = ['channelAdmin', 'channelManager'];
const partnerUsers: readonly Performer[] = ['partnerAdmin', 'partnerRep'];
const ok = { problems: [], refusal: null };

function requirePolicy(input: TransitionInput): { problems: FieldProblem[]; refusal: string | null } | null {
  return input.policy
    ? null
    : {
        problems: [{ field: 'policy', message: "The program's registration policy for the partner's tier is needed." }],
        refusal: null,
      };
}

/** The rules, one line of business each. Anything not listed is not a transition. */
export const registrationTransitions: readonly TransitionRule[] = [
  {
    action: 'submit',
    from: ['draft'],
    to: 'submitted',
    by: [...partnerUsers, ...managers],
    reasonRequiredFrom: [],
    check(registration, input) {
      const missingPolicy = requirePolicy(input);
      if (missingPolicy) return missingPolicy;
      const problems = submissionProblems(registration, input.now);
      const gate = certificationGate(input.policy!, registration.partner, input.certifications ?? [], input.now);
      return { problems, refusal: gate };
    },
    apply: (_registration, input) => ({ submittedAt: input.now }),
  },
  {
    action: 'startReview',
    from: ['submitted'],
    to: 'in_review',
    by: [...managers, 'system'],
    reasonRequiredFrom: [],
    check: () => ok,
    apply: () => ({}),
  },
  {
    action: 'approve',
    from: ['submitted', 'in_review'],
    to: 'approved',
    by: [...managers, 'system'],
    reasonRequiredFrom: [],
    check(registration, input) {
      const missingPolicy = requirePolicy(input);
      if (missingPolicy) return missingPolicy;
      if (registration.conflictVerdict === null)
        return { problems: [], refusal: 'run the conflict check before deciding' };
      if (registration.conflictVerdict === 'conflict') {
        return {
          problems: [],
          refusal: `the customer is already held by someone else (${registration.conflictReasons ?? 'see the conflict check'}); reject the registration or settle the conflict first`,
        };
      }
      if (registration.conflictVerdict === 'possible') {
        if (input.actor.kind === 'system')
          return { problems: [], refusal: 'a possible conflict needs a person to decide' };
        if (!input.reason?.trim()) {
          return {
            problems: [{ field: 'decisionReason', message: 'Say why you approve despite the possible conflict.' }],
            refusal: null,
          };
        }
      }
      return ok;
    },
    apply: (_registration, input, performer) => ({
      decidedAt: input.now,
      decidedBy: performer,
      decisionReason: input.reason?.trim() || null,
      protectionEndsAt: protectionEndsAt(input.now, input.policy!.protectionDays),
      marginUplift: input.policy!.marginUpliftPercent,
      extensionsUsed: 0,
    }),
  },
  {
    action: 'reject',
    from: ['submitted', 'in_review'],
    to: 'rejected',
    by: managers,
    reasonRequiredFrom: ['submitted', 'in_review'],
    check: () => ok,
    apply: (_registration, input, performer) => ({
      decidedAt: input.now,
      decidedBy: performer,
      decisionReason: input.reason!.trim(),
    }),
  },
  {
    action: 'convert',
    from: ['approved'],
    to: 'converted',
    by: [...managers, 'salesRep', 'system'],
    reasonRequiredFrom: [],
    check(registration, input) {
      if (!input.opportunityId?.trim()) {
        return {
          problems: [{ field: 'opportunityId', message: 'Give the id of the opportunity created in the CRM.' }],
          refusal: null,
        };
      }
      if (
        registration.protectionEndsAt === null ||
        Date.parse(input.now) >= Date.parse(registration.protectionEndsAt)
      ) {
        return {
          problems: [],
          refusal: `protection ended at ${registration.protectionEndsAt ?? '(never set)'}; an expired registration cannot be converted`,
        };
      }
      return ok;
    },
    apply(registration, input) {
      const { attribution } = attributionAt(registration, input.now, input.vendorEngagedAt ?? null);
      return { opportunityId: input.opportunityId!.trim(), attribution };
    },
  },
  {
    action: 'win',
    from: ['converted'],
    to: 'won',
    by: [...managers, 'salesRep', 'system'],
    reasonRequiredFrom: [],
    check: () => ok,
    apply(registration, input) {
      // Sourced is earned by winning inside the window; a later win only counts as influenced.
      const closing = attributionAt(registration, input.now, null);
      const attribution: Attribution = registration.attribution === 'influenced' ? 'influenced' : closing.attribution;
      return { closedAt: input.now, attribution };
    },
  },
  {
    action: 'lose',
    from: ['converted'],
    to: 'lost',
    by: [...managers, 'salesRep', 'system'],
    reasonRequiredFrom: [],
    check: () => ok,
    apply: (_registration, input) => ({ closedAt: input.now }),
  },
  {
    action: 'expire',
    from: ['approved'],
    to: 'expired',
    by: ['system', 'channelAdmin'],
    reasonRequiredFrom: [],
    check(registration, input) {
      if (registration.protectionEndsAt !== null && Date.parse(input.now) < Date.parse(registration.protectionEndsAt)) {
        return { problems: [], refusal: `protection runs until ${registration.protectionEndsAt}` };
      }
      return ok;
    },
    apply: (_registration, input) => ({ closedAt: input.now }),
  },
  {
    action: 'withdraw',
    from: ['draft', 'submitted', 'in_review', 'approved'],
    to: 'withdrawn',
    by: [...partnerUsers, 'channelAdmin'],
    reasonRequiredFrom: ['approved'],
    check: () => ok,
    apply: (_registration, input) => ({ closedAt: input.now }),
  },
];

/** Who may lengthen an approved registration's protection window (not a transition: the status stays). */
export const extensionBy: readonly Performer[] = [...partnerUsers, ...managers];

/**
 * The roles whose people may perform a transition (or the extension): the API's action roles are
 * these, so the table above is the one place that decides who may approve, reject, ... a registration.
 */
export function rolesThatMay(
  action: TransitionAction | 'extend',
  transitions: readonly Pick<TransitionRule, 'action' | 'by'>[] = registrationTransitions,
): Role[] {
  const by = action === 'extend' ? extensionBy : transitions.find((rule) => rule.action === action)?.by;
  if (!by) throw new Error(`${action} is not a registration transition.`);
  return by.filter((performer): performer is Role => performer !== 'system');
}

/** The statuses a registration may move to next, from the table above. */
export function nextStatuses(from: RegistrationStatus): RegistrationStatus[] {
  return registrationTransitions.filter((rule) => rule.from.includes(from)).map((rule) => rule.to);
}

function performerOf(actor: Actor): { performer: Performer; name: string } {
  return actor.kind === 'system'
    ? { performer: 'system', name: `system:${actor.name}` }
    : { performer: actor.role, name: actor.userId };
}

/**
 * Moves a registration to `to` if the rules allow it. Returns the updated copy; never mutates its input.
 * Throws TransitionError (not a transition, or its state forbids it), NotAllowedError (this actor may
 * not) or ValidationError (something needed is missing or wrong).
 */
export function transitionRegistration(
  registration: DealRegistration,
  to: RegistrationStatus,
  input: TransitionInput,
): { registration: DealRegistration } {
  const from = registration.status;
  const rule = registrationTransitions.find((r) => r.to === to && r.from.includes(from));
  if (!rule) {
    const next = nextStatuses(from);
    throw new TransitionError(
      from,
      to,
      next.length ? `from ${from} a registration can only go to ${next.join(', ')}` : `${from} is final`,
    );
  }
  const { performer, name } = performerOf(input.actor);
  if (!rule.by.includes(performer)) {
    throw new NotAllowedError(
      `A ${performer === 'system' ? 'system rule' : performer} may not ${rule.action} a registration (${from} → ${to}).`,
    );
  }
  if (
    input.actor.kind === 'user' &&
    roleDefinitions[input.actor.role].isPartnerUser &&
    input.actor.partner !== registration.partner
  ) {
    throw new NotAllowedError("Partner users may only act on their own company's registrations.");
  }
  const reason = input.reason?.trim() || null;
  const problems: FieldProblem[] = [];
  if (rule.reasonRequiredFrom.includes(from) && reason === null) {
    problems.push({
      field: 'reason',
      message: `Say why the registration is ${to === 'rejected' ? 'rejected' : to}; the partner sees it.`,
    });
  }
  const checked = rule.check(registration, input);
  problems.push(...checked.problems);
  if (problems.length > 0) throw new ValidationError(problems);
  if (checked.refusal !== null) throw new TransitionError(from, to, checked.refusal);

  const updated: DealRegistration = {
    ...registration,
    ...rule.apply(registration, input, name),
    status: to,
    updatedAt: input.now,
    version: registration.version + 1,
  };
  return { registration: updated };
}

/** Stores a conflict check's outcome on the registration (no status change), with its history entry. */
export function recordConflictCheck(
  registration: DealRegistration,
  check: { verdict: 'none' | 'possible' | 'conflict'; score: number; reasons: string[] },
  input: { actor: Actor; now: string },
): { registration: DealRegistration } {
  const { performer } = performerOf(input.actor);
  if (performer !== 'system' && !managers.includes(performer)) {
    throw new NotAllowedError(
      'Only the server or a channel manager records conflict checks: partners cannot see other partners.',
    );
  }
  const updated: DealRegistration = {
    ...registration,
    conflictVerdict: check.verdict,
    conflictScore: check.score,
    conflictReasons: check.reasons.join('\n'),
    updatedAt: input.now,
    version: registration.version + 1,
  };
  return { registration: updated };
}

/**
 * Lengthens the protection window of an approved registration, as the program's extension policy allows.
 * The partner (its own registrations) or a manager asks, with a reason; the status stays approved.
 */
export function extendProtection(
  registration: DealRegistration,
  days: number,
  input: { actor: Actor; now: string; reason?: string | null; policy: RegistrationPolicy },
): { registration: DealRegistration } {
  const { performer } = performerOf(input.actor);
  if (!extensionBy.includes(performer)) {
    throw new NotAllowedError(`A ${performer} may not extend a registration's protection.`);
  }
  if (
    input.actor.kind === 'user' &&
    roleDefinitions[input.actor.role].isPartnerUser &&
    input.actor.partner !== registration.partner
  ) {
    throw new NotAllowedError("Partner users may only act on their own company's registrations.");
  }
  const reason = input.reason?.trim() || null;
  if (reason === null) throw new ValidationError([{ field: 'reason', message: 'Say why the deal needs more time.' }]);
  const decision = decideExtension(registration, input.policy, days, input.now);
  if (!decision.granted)
    throw new TransitionError(registration.status, registration.status, decision.reasons.join('; '));
  const updated: DealRegistration = {
    ...registration,
    protectionEndsAt: decision.protectionEndsAt,
    extensionsUsed: (registration.extensionsUsed ?? 0) + 1,
    updatedAt: input.now,
    version: registration.version + 1,
  };
  return { registration: updated };
}
