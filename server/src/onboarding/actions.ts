/**
 * Onboarding actions: apply without signing in, review and decide applications (applications.ts),
 * sign the agreement by typed name (agreements.ts).
 */
import { z } from 'zod';
import { startReview } from '@prm/core/onboarding/applicationReview';
import { inputValidators } from '@prm/core/generated/validators';
import { collectionAction, recordAction } from '../http/actions.ts';
import { decideOnApplication, pick, submitApplication } from './applications.ts';
import { signPartnerAgreement } from './agreements.ts';

const managers = ['channelAdmin', 'channelManager'] as const;

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
    async run(context, body) {
      return submitApplication(context, body);
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
    async run(context, application, body) {
      return { changes: await decideOnApplication(context, application, body) };
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
    async run(context, agreement, body) {
      return { changes: await signPartnerAgreement(context, agreement, body) };
    },
  }),
];
