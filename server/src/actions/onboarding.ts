/** Onboarding actions: review and decide applications, sign the agreement by typed name. */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { decideApplication, startReview } from '@prm/core/onboarding/applicationReview';
import { signAgreement, supersededBy } from '@prm/core/onboarding/agreement';
import { fitScore, type FitScoreConfig } from '@prm/core/onboarding/fitScore';
import { inputValidators } from '@prm/core/generated/validators';
import { collectionAction, recordAction } from '../http/actions.ts';
import { createRecord, listRecords, writeUpdate } from '../store/repository.ts';

const managers = ['channelAdmin', 'channelManager'] as const;
/** Below this fit score a reviewer must say why they accept. */
export const minimumFitScore = 50;

/** How applications are scored until the program's own weights are configured in the admin settings. */
export const defaultFitScoreConfig: FitScoreConfig = {
  weights: { size: 20, revenue: 25, territory: 25, partnerType: 15, specialisations: 15 },
  employeesForFullMarks: 200,
  revenueForFullMarks: { amount: 1_000_000_000, currency: 'USD' },
  targetCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'SE', 'ES', 'IT', 'JP', 'AU'],
  preferredPartnerTypes: ['system_integrator', 'managed_service_provider', 'reseller'],
  wantedSpecialisations: ['security', 'cloud', 'data_analytics'],
};

/** What an applicant sends: the application's own fields, never its status, score or review. */
const applicationForm = inputValidators.partnerApplication.pick({
  companyName: true,
  website: true,
  country: true,
  partnerType: true,
  contactName: true,
  contactEmail: true,
  employees: true,
  currency: true,
  annualRevenue: true,
  specialisations: true,
});

const pick = <T extends object>(record: T, keys: Array<keyof T>) =>
  Object.fromEntries(keys.map((key) => [key, record[key]]));

export const actions = [
  collectionAction({
    object: 'partnerApplication',
    name: 'apply',
    method: 'POST',
    creates: true,
    public: true,
    summary: 'Apply to join the partner program (no sign-in); the application is scored at once',
    roles: [],
    body: applicationForm,
    async run({ tx, actor, now }, body) {
      const score = fitScore(
        {
          employees: body.employees ?? null,
          annualRevenue: body.annualRevenue ?? null,
          currency: body.currency ?? 'USD',
          country: body.country,
          partnerType: body.partnerType,
          specialisations: body.specialisations ?? null,
        },
        defaultFitScoreConfig,
      );
      const application = await createRecord(
        tx,
        now,
        actor,
        objectNamed(prmObjects, 'partnerApplication'),
        { ...body, status: 'submitted', fitScore: score.score },
        { authorizedByProgramRules: true },
      );
      // The applicant sees what they sent and their application number, never the score or review data.
      const sent = Object.keys(body) as Array<keyof typeof body>;
      const applicantSees: Array<keyof typeof application> = [
        'id',
        'name',
        'status',
        'createdAt',
        'updatedAt',
        'version',
        ...sent,
      ];
      return { record: pick(application, applicantSees) };
    },
  }),
  recordAction({
    object: 'partnerApplication',
    name: 'start-review',
    summary: 'Take a submitted application into review',
    roles: managers,
    async run({ actor, now }, application) {
      const reviewed = startReview(application, actor.name, now.toISOString());
      return { changes: pick(reviewed, ['status', 'reviewedBy', 'reviewedAt']) };
    },
  }),
  recordAction({
    object: 'partnerApplication',
    name: 'decide',
    summary: 'Accept or reject an application in review; accepting creates the partner',
    roles: managers,
    body: z.strictObject({
      verdict: z.enum(['accept', 'reject'], 'must be accept or reject'),
      reason: z.string().max(2000).optional(),
    }),
    bodyFields: { decisionReason: 'reason' },
    async run({ tx, actor, now }, application, body) {
      const decided = decideApplication(
        application,
        { verdict: body.verdict, reviewer: actor.name, reason: body.reason },
        minimumFitScore,
        now.toISOString(),
      );
      const changes: Record<string, unknown> = pick(decided, ['status', 'reviewedBy', 'reviewedAt', 'decisionReason']);
      if (decided.status === 'accepted') {
        const partner = await createRecord(
          tx,
          now,
          actor,
          objectNamed(prmObjects, 'partner'),
          {
            name: application.companyName,
            website: application.website,
            country: application.country,
            partnerType: application.partnerType,
            status: 'onboarding',
            joinedOn: now.toISOString().slice(0, 10),
          },
          { authorizedByProgramRules: true },
        );
        changes.partner = partner.id;
      }
      return { changes };
    },
  }),
  recordAction({
    object: 'agreement',
    name: 'sign',
    summary: 'Sign the agreement by typing your name, confirming the version you read',
    roles: ['partnerAdmin'],
    body: z.strictObject({
      typedName: z.string('is required').max(121, 'must be at most 121 characters'),
      versionShown: z.string('is required').max(20, 'must be at most 20 characters'),
    }),
    bodyFields: { signedByName: 'typedName', agreementVersion: 'versionShown' },
    async run({ tx, actor, now }, agreement, body) {
      const signed = signAgreement(
        agreement,
        { typedName: body.typedName, email: actor.email, versionShown: body.versionShown },
        now.toISOString(),
      );
      // Earlier signed versions of this partner's agreement are superseded by this one.
      const object = objectNamed(prmObjects, 'agreement');
      const earlier = (
        await listRecords(tx, actor, object, { where: { partner: agreement.partner, status: 'signed' }, limit: 200 })
      ).records;
      for (const old of supersededBy(earlier, signed)) {
        const before = earlier.find((candidate) => candidate.id === old.id)!;
        await writeUpdate(tx, now, actor, object, before, before.version, { status: 'superseded' }, 'supersede');
      }
      return { changes: pick(signed, ['status', 'signedByName', 'signedByEmail', 'signedAt']) };
    },
  }),
];
