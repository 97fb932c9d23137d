/**
 * Deal registration actions. Registering (or submitting a draft) runs the authoritative conflict check
 * here on the server, because a partner cannot see other partners' registrations: the submission is
 * validated, checked against every registration and named account the store holds, approved at once
 * when the tier's auto-approval rules allow, and otherwise left for a manager. Every transition is the
 * core's (deals/lifecycle.ts); this module loads what the rules need and writes what they decide.
 */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { roleDefinitions } from '@prm/core/schema/roles';
import { ValidationError } from '@prm/core/errors';
import { inputValidators } from '@prm/core/generated/validators';
import type { ObjectName } from '@prm/core/schema/validate';
import type { Certification, DealRegistration, Partner, Tier } from '@prm/core/generated/types';
import {
  extendProtection,
  recordConflictCheck,
  transitionRegistration,
  type Actor as CoreActor,
  type RegistrationStatus,
} from '@prm/core/deals/lifecycle';
import { decideAutoApproval, registrationPolicy, type RegistrationPolicy } from '@prm/core/deals/policy';
import { checkConflict } from '@prm/core/deals/conflictIndex';
import { opportunityFromRegistration } from '@prm/core/deals/conversion';
import { collectionAction, recordAction, type ActionContext } from '../http/actions.ts';
import type { Actor } from '../auth/policy.ts';
import { createRecord, findRecord, findRecords, insertRecord, newRecord, type Tx } from '../store/repository.ts';
import { lockCustomerWorld } from '../deals/customerLock.ts';
import { scheduleJobs, type NewJob } from '../jobs/queue.ts';
import { knownCustomers } from '../deals/knownCustomers.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);
const managers = ['channelAdmin', 'channelManager'] as const;
const partnerUsers = ['partnerAdmin', 'partnerRep'] as const;

export const autoApprovalActor: CoreActor = { kind: 'system', name: 'auto-approval' };

export function coreActor(actor: Actor): CoreActor {
  return { kind: 'user', userId: actor.userId, role: actor.role, partner: actor.partnerId };
}

/** The fields a transition may change; only these are written back. */
const ruleFields = [
  'status',
  'submittedAt',
  'decidedAt',
  'decidedBy',
  'decisionReason',
  'conflictVerdict',
  'conflictScore',
  'conflictReasons',
  'protectionEndsAt',
  'extensionsUsed',
  'marginUplift',
  'attribution',
  'opportunityId',
  'closedAt',
] as const;

function changesBetween(before: DealRegistration, after: DealRegistration): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of ruleFields) if (after[field] !== before[field]) changes[field] = after[field];
  return changes;
}

interface ProgramOfPartner {
  policy: RegistrationPolicy;
  tier: Tier | null;
  partner: Partner;
}

/** The partner's program and tier, and the policy they give. */
export async function policyFor(tx: Tx, partnerId: string): Promise<ProgramOfPartner> {
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

function certificationsOf(tx: Tx, partnerId: string): Promise<Certification[]> {
  return findRecords(tx, object('certification'), { partner: partnerId });
}

/**
 * When the next thing happens to an approved registration's window after `after` (ms): a reminder
 * before it ends, or its expiry when the program expires registrations automatically; null if nothing.
 */
function nextProtectionEvent(registration: DealRegistration, policy: RegistrationPolicy, after: number): number | null {
  if (!registration.protectionEndsAt) return null;
  const ends = Date.parse(registration.protectionEndsAt);
  const times = policy.reminderDaysBeforeEnd.map((days) => ends - days * 86_400_000);
  if (policy.autoExpire) times.push(ends);
  const upcoming = times.filter((at) => at > after);
  return upcoming.length ? Math.min(...upcoming) : null;
}

/**
 * The registration's protection timer: one job at the next reminder or the expiry, which does what is
 * due and sets the next one (jobs/dealJobs.ts). One row per registration rather than one per reminder:
 * registering is the hottest write there is. An extended window gets a timer of its own.
 */
export async function scheduleProtectionTimers(
  tx: Tx,
  now: Date,
  registration: DealRegistration,
  policy: RegistrationPolicy,
): Promise<void> {
  const at = nextProtectionEvent(registration, policy, now.getTime());
  if (at === null) return;
  const job: NewJob = {
    kind: 'registration-protection',
    runAt: new Date(at),
    payload: { registration: registration.id, protectionEndsAt: registration.protectionEndsAt },
    dedupeKey: `registration-protection:${registration.id}:${registration.protectionEndsAt}:${at}`,
  };
  await scheduleJobs(tx, now, [job]);
}

/**
 * Submits a draft: the core validates it, the conflict check runs against the store's known world
 * under the customer-world lock (so of simultaneous submissions for one customer exactly one is
 * first), and the tier's auto-approval rules may approve it at once.
 */
export async function submitRegistration(
  { tx, actor, now }: ActionContext,
  draft: DealRegistration,
  programOfPartner?: ProgramOfPartner,
) {
  await lockCustomerWorld(tx);
  const at = now.toISOString();
  const { policy, tier } = programOfPartner ?? (await policyFor(tx, draft.partner));
  const certifications = await certificationsOf(tx, draft.partner);
  const submitted = transitionRegistration(draft, 'submitted', {
    actor: coreActor(actor),
    now: at,
    policy,
    certifications,
  }).registration;
  const decision = checkConflict(
    await knownCustomers(tx),
    {
      id: draft.id,
      customerName: draft.customerName,
      customerDomain: draft.customerDomain,
      customerContactEmail: draft.customerContactEmail,
      customerCountry: draft.customerCountry,
      partner: draft.partner,
      submittedAt: at,
    },
    at,
  );
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
  const partnerView = roleDefinitions[actor.role].isPartnerUser;
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

/** The fields a partner fills in on the registration form. */
const registrationForm = inputValidators.dealRegistration
  .pick({
    partner: true,
    submittedBy: true,
    customerName: true,
    customerDomain: true,
    customerCountry: true,
    customerContactName: true,
    customerContactEmail: true,
    opportunityName: true,
    description: true,
    currency: true,
    amount: true,
    expectedCloseOn: true,
    product: true,
  })
  .partial({ partner: true });

async function transition(
  context: ActionContext,
  registration: DealRegistration,
  to: RegistrationStatus,
  extra: { reason?: string | null; opportunityId?: string | null } = {},
) {
  const { policy } = await policyFor(context.tx, registration.partner);
  const result = transitionRegistration(registration, to, {
    actor: coreActor(context.actor),
    now: context.now.toISOString(),
    policy,
    ...extra,
  }).registration;
  if (to === 'approved') await scheduleProtectionTimers(context.tx, context.now, result, policy);
  return { changes: changesBetween(registration, result) };
}

const reasonBody = z.strictObject({ reason: z.string().max(2000, 'must be at most 2000 characters').optional() });

export const actions = [
  collectionAction({
    object: 'dealRegistration',
    name: 'register',
    method: 'POST',
    creates: true,
    summary:
      'Register a deal: create and submit it at once; answers with the conflict verdict and whether it was approved automatically',
    roles: [...partnerUsers, ...managers],
    body: registrationForm,
    async run(context, body) {
      const partnerUser = roleDefinitions[context.actor.role].isPartnerUser;
      if (!partnerUser && !body.partner)
        throw new ValidationError([
          { field: 'partner', message: 'is required: the partner the deal is registered for' },
        ]);
      // Created and submitted in one step: the draft never exists in the store on its own, so the
      // record is written once, already submitted, under one audit entry.
      // Read once: the program and tier give the policy, and the partner is the draft's lookup too.
      const programOfPartner = await policyFor(context.tx, partnerUser ? context.actor.partnerId! : body.partner!);
      const draft = await newRecord(
        context.tx,
        context.now,
        context.actor,
        object('dealRegistration'),
        { ...body, status: 'draft' },
        { authorizedByProgramRules: true, known: [programOfPartner.partner] },
      );
      const { changes, result } = await submitRegistration(context, draft, programOfPartner);
      const saved = await insertRecord(
        context.tx,
        context.now,
        context.actor,
        object('dealRegistration'),
        { ...draft, ...changes },
        'register',
      );
      return { record: saved, conflict: result };
    },
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'submit',
    summary: 'Submit a draft registration: validation, conflict check, automatic approval where the tier allows',
    roles: [...partnerUsers, ...managers],
    run: (context, registration) => submitRegistration(context, registration),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'start-review',
    summary: 'Take a submitted registration into review',
    roles: managers,
    run: (context, record) => transition(context, record, 'in_review'),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'approve',
    summary: 'Approve a registration; protection starts now for the tier’s window (a possible conflict needs a reason)',
    roles: managers,
    body: reasonBody,
    bodyFields: { decisionReason: 'reason' },
    run: (context, record, body) => transition(context, record, 'approved', { reason: body.reason }),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'reject',
    summary: 'Reject a registration, with the reason the partner will read',
    roles: managers,
    body: reasonBody,
    bodyFields: { decisionReason: 'reason' },
    run: (context, record, body) => transition(context, record, 'rejected', { reason: body.reason }),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'withdraw',
    summary: 'Withdraw a registration (a reason is needed once it is approved)',
    roles: [...partnerUsers, 'channelAdmin'],
    body: reasonBody,
    run: (context, record, body) => transition(context, record, 'withdrawn', { reason: body.reason }),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'extend',
    summary: 'Lengthen the protection window, as the program’s extension policy allows',
    roles: [...partnerUsers, ...managers],
    body: z.strictObject({
      days: z
        .number('must be a number of days')
        .int('must be whole days')
        .min(1, 'must be at least 1')
        .max(365, 'must be at most 365'),
      reason: z.string().max(2000).optional(),
    }),
    async run(context, registration, body) {
      const { policy } = await policyFor(context.tx, registration.partner);
      const result = extendProtection(registration, body.days, {
        actor: coreActor(context.actor),
        now: context.now.toISOString(),
        reason: body.reason,
        policy,
      }).registration;
      await scheduleProtectionTimers(context.tx, context.now, result, policy);
      return { changes: changesBetween(registration, result) };
    },
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'convert',
    summary: 'Convert an approved registration into an opportunity that carries the partner attribution',
    roles: [...managers, 'salesRep'],
    body: z.strictObject({
      vendorEngagedAt: z.iso.datetime({ offset: true, error: 'must be a date and time in ISO 8601' }).optional(),
    }),
    async run(context, registration, body) {
      const at = context.now.toISOString();
      const draft = opportunityFromRegistration(registration, at, body.vendorEngagedAt ?? null);
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
      const { policy } = await policyFor(context.tx, registration.partner);
      const result = transitionRegistration(registration, 'converted', {
        actor: coreActor(context.actor),
        now: at,
        policy,
        opportunityId: opportunity.id,
        vendorEngagedAt: body.vendorEngagedAt ?? null,
      }).registration;
      return {
        changes: changesBetween(registration, result),
        result: { opportunity: opportunity.id, attribution: draft.attribution, reason: draft.attributionReason },
      };
    },
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'win',
    summary: 'Record that the converted deal was won (sourced only inside the protection window)',
    roles: [...managers, 'salesRep'],
    run: (context, record) => transition(context, record, 'won'),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'lose',
    summary: 'Record that the converted deal was lost',
    roles: [...managers, 'salesRep'],
    run: (context, record) => transition(context, record, 'lost'),
  }),
];
