/**
 * The deal registration actions of the API, as declarations calling the registration service
 * (registrations.ts). Who may perform each is the core's transition table (rolesThatMay), so the
 * table decides for the API too.
 */
import { z } from 'zod';
import { inputValidators } from '@prm/core/generated/validators';
import { rolesThatMay } from '@prm/core/deals/lifecycle';
import { collectionAction, recordAction } from '../http/actions.ts';
import {
  convertToOpportunity,
  extendRegistration,
  moveRegistration,
  registerDeal,
  submitRegistration,
} from './registrations.ts';

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

const reasonBody = z.strictObject({ reason: z.string().max(2000, 'must be at most 2000 characters').optional() });

/** A manager's decision on a registration, with the reason the partner reads. */
function decision(name: 'approve' | 'reject', to: 'approved' | 'rejected', summary: string) {
  return recordAction({
    object: 'dealRegistration',
    name,
    summary,
    roles: rolesThatMay(name),
    body: reasonBody,
    // The rules name the reason as stored; the client sent it as `reason`.
    bodyFields: { decisionReason: 'reason' },
    run: (context, record, body) => moveRegistration(context, record, to, { reason: body.reason }),
  });
}

export const actions = [
  collectionAction({
    object: 'dealRegistration',
    name: 'register',
    method: 'POST',
    creates: true,
    summary:
      'Register a deal: create and submit it at once; answers with the conflict verdict and whether it was approved automatically',
    roles: rolesThatMay('submit'),
    body: registrationForm,
    run: (context, body) => registerDeal(context, body),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'submit',
    summary: 'Submit a draft registration: validation, conflict check, automatic approval where the tier allows',
    roles: rolesThatMay('submit'),
    run: (context, registration) => submitRegistration(context, registration),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'start-review',
    summary: 'Take a submitted registration into review',
    roles: rolesThatMay('startReview'),
    run: (context, record) => moveRegistration(context, record, 'in_review'),
  }),
  decision(
    'approve',
    'approved',
    'Approve a registration; protection starts now for the tier’s window (a possible conflict needs a reason)',
  ),
  decision('reject', 'rejected', 'Reject a registration, with the reason the partner will read'),
  recordAction({
    object: 'dealRegistration',
    name: 'withdraw',
    summary: 'Withdraw a registration (a reason is needed once it is approved)',
    roles: rolesThatMay('withdraw'),
    body: reasonBody,
    run: (context, record, body) => moveRegistration(context, record, 'withdrawn', { reason: body.reason }),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'extend',
    summary: 'Lengthen the protection window, as the program’s extension policy allows',
    roles: rolesThatMay('extend'),
    body: z.strictObject({
      days: z
        .number('must be a number of days')
        .int('must be whole days')
        .min(1, 'must be at least 1')
        .max(365, 'must be at most 365'),
      reason: z.string().max(2000).optional(),
    }),
    run: (context, record, body) => extendRegistration(context, record, body),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'convert',
    summary: 'Convert an approved registration into an opportunity that carries the partner attribution',
    roles: rolesThatMay('convert'),
    body: z.strictObject({
      vendorEngagedAt: z.iso.datetime({ offset: true, error: 'must be a date and time in ISO 8601' }).optional(),
    }),
    run: (context, record, body) => convertToOpportunity(context, record, body.vendorEngagedAt ?? null),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'win',
    summary: 'Record that the converted deal was won (sourced only inside the protection window)',
    roles: rolesThatMay('win'),
    run: (context, record) => moveRegistration(context, record, 'won'),
  }),
  recordAction({
    object: 'dealRegistration',
    name: 'lose',
    summary: 'Record that the converted deal was lost',
    roles: rolesThatMay('lose'),
    run: (context, record) => moveRegistration(context, record, 'lost'),
  }),
];
