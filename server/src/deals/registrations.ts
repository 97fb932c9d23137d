/**
 * The registration service. Registering (or submitting a draft) runs the authoritative conflict check
 * here on the server, because a partner cannot see other partners' registrations: the submission is
 * validated, checked against the known customers the store holds, approved at once when the tier's
 * auto-approval rules allow, and otherwise left for a manager. Every transition is the core's
 * (deals/lifecycle.ts); this module loads what the rules need and writes what they decide.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { ObjectName } from '@prm/core/schema/validate';
import { ValidationError } from '@prm/core/errors';
import type { DealRegistration } from '@prm/core/generated/types';
import {
  extendProtection,
  recordConflictCheck,
  transitionRegistration,
  type Actor as CoreActor,
  type RegistrationStatus,
} from '@prm/core/deals/lifecycle';
import { decideAutoApproval } from '@prm/core/deals/policy';
import { checkConflict } from '@prm/core/deals/conflictIndex';
import { registrationAsKnown } from '@prm/core/deals/conflicts';
import { convertRegistration, opportunityFromRegistration } from '@prm/core/deals/conversion';
import type { ActionContext } from '../http/actions.ts';
import { isPartnerUser, type Actor } from '../auth/policy.ts';
import { createRecord, insertRecord, newRecord } from '../store/repository.ts';
import { knownCustomers } from './knownCustomers.ts';
import { lockKnownCustomers } from './knownCustomersLock.ts';
import { certificationsOf, programOfPartner, type ProgramOfPartner } from './programOfPartner.ts';
import { scheduleProtectionTimers } from './protection.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);
const registrations = object('dealRegistration');

export const autoApprovalActor: CoreActor = { kind: 'system', name: 'auto-approval' };

export function coreActor(actor: Actor): CoreActor {
  return { kind: 'user', userId: actor.userId, role: actor.role, partner: actor.partnerId };
}

/**
 * The fields to write back: those of the schema the core's rules changed. The core returns the
 * registration as its rules leave it, so a field no rule sets is the same on both sides.
 */
const registrationFields = Object.keys(registrations.fields) as (keyof DealRegistration)[];

function changesBetween(before: DealRegistration, after: DealRegistration): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of registrationFields) if (after[field] !== before[field]) changes[field] = after[field];
  return changes;
}

/**
 * Submits a draft: the core validates it, the conflict check runs against the store's known
 * customers under their lock (so of simultaneous submissions for one customer exactly one is first),
 * and the tier's auto-approval rules may approve it at once.
 */
export async function submitRegistration(
  { tx, actor, now }: ActionContext,
  draft: DealRegistration,
  partnerProgram?: ProgramOfPartner,
) {
  await lockKnownCustomers(tx);
  const at = now.toISOString();
  const { policy, tier } = partnerProgram ?? (await programOfPartner(tx, draft.partner));
  const certifications = await certificationsOf(tx, draft.partner);
  const submitted = transitionRegistration(draft, 'submitted', {
    actor: coreActor(actor),
    now: at,
    policy,
    certifications,
  }).registration;
  const decision = checkConflict(await knownCustomers(tx), registrationAsKnown(submitted), at);
  let result = recordConflictCheck(submitted, decision, {
    actor: { kind: 'system', name: 'conflict-check' },
    now: at,
  }).registration;
  const automatic = decideAutoApproval(result, policy, { tierRank: tier?.rank ?? null, certifications, now: at });
  if (automatic.approve) {
    result = transitionRegistration(result, 'approved', {
      actor: autoApprovalActor,
      now: at,
      policy,
      reason: `Approved automatically: ${automatic.reasons.join('; ')}.`,
    }).registration;
    await scheduleProtectionTimers(tx, now, result, policy);
  }
  const partnerView = isPartnerUser(actor);
  return {
    changes: changesBetween(draft, result),
    result: {
      verdict: decision.verdict,
      // A partner learns that the customer is held, never by whom: that is another partner's data.
      reasons: partnerView ? partnerReasons(decision.verdict) : decision.reasons,
      match: partnerView ? null : decision.match ? { id: decision.match.id, kind: decision.match.kind } : null,
      score: partnerView ? null : decision.score,
      autoApproval: partnerView ? { approved: automatic.approve } : automatic,
    },
  };
}

function partnerReasons(verdict: string): string[] {
  if (verdict === 'conflict')
    return ['This customer is already registered or reserved; a channel manager will contact you.'];
  if (verdict === 'possible')
    return ['This customer may already be registered; a channel manager will review your registration.'];
  return [];
}

/**
 * Registers a deal: created and submitted in one step. The draft never exists in the store on its
 * own, so the record is written once, already submitted, under one audit entry.
 */
export async function registerDeal(context: ActionContext, form: Record<string, unknown> & { partner?: string }) {
  const partnerUser = isPartnerUser(context.actor);
  if (!partnerUser && !form.partner)
    throw new ValidationError([{ field: 'partner', message: 'is required: the partner the deal is registered for' }]);
  // Read once: the program and tier give the policy, and the partner is the draft's lookup too.
  const partnerProgram = await programOfPartner(context.tx, partnerUser ? context.actor.partnerId! : form.partner!);
  const draft = await newRecord(
    context.tx,
    context.now,
    context.actor,
    registrations,
    { ...form, status: 'draft' },
    { authorizedByProgramRules: true, known: [partnerProgram.partner] },
  );
  const { changes, result } = await submitRegistration(context, draft, partnerProgram);
  const saved = await insertRecord(
    context.tx,
    context.now,
    context.actor,
    registrations,
    { ...draft, ...changes },
    'register',
  );
  return { record: saved, conflict: result };
}

/** Moves a registration to `to` as the core's transition table allows; approval starts its timer. */
export async function moveRegistration(
  context: ActionContext,
  registration: DealRegistration,
  to: RegistrationStatus,
  extra: { reason?: string | null } = {},
) {
  const { policy } = await programOfPartner(context.tx, registration.partner);
  const result = transitionRegistration(registration, to, {
    actor: coreActor(context.actor),
    now: context.now.toISOString(),
    policy,
    ...extra,
  }).registration;
  if (to === 'approved') await scheduleProtectionTimers(context.tx, context.now, result, policy);
  return { changes: changesBetween(registration, result) };
}

/** Lengthens the protection window as the program's extension policy allows, with a new timer. */
export async function extendRegistration(
  context: ActionContext,
  registration: DealRegistration,
  extension: { days: number; reason?: string },
) {
  const { policy } = await programOfPartner(context.tx, registration.partner);
  const result = extendProtection(registration, extension.days, {
    actor: coreActor(context.actor),
    now: context.now.toISOString(),
    reason: extension.reason,
    policy,
  }).registration;
  await scheduleProtectionTimers(context.tx, context.now, result, policy);
  return { changes: changesBetween(registration, result) };
}

/** Creates the opportunity an approved registration becomes, with its attribution, and converts it. */
export async function convertToOpportunity(
  context: ActionContext,
  registration: DealRegistration,
  vendorEngagedAt: string | null,
) {
  const at = context.now.toISOString();
  const draft = opportunityFromRegistration(registration, at, vendorEngagedAt);
  const opportunity = await createRecord(
    context.tx,
    context.now,
    context.actor,
    object('opportunity'),
    {
      name: draft.name,
      currency: draft.amount.currency,
      amount: draft.amount.amount,
      stage: 'prospecting',
      closeDate: draft.closeOn,
      partner: draft.partner,
      partnerAttribution: draft.attribution,
      dealRegistration: registration.id,
      influenceNote: draft.attributionReason,
    },
    { authorizedByProgramRules: true },
  );
  const result = convertRegistration(registration, opportunity.id, {
    actor: coreActor(context.actor),
    now: at,
    vendorEngagedAt,
  }).registration;
  return {
    changes: changesBetween(registration, result),
    result: { opportunity: opportunity.id, attribution: draft.attribution, reason: draft.attributionReason },
  };
}
