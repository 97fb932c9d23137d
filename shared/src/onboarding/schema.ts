/** Recruitment and onboarding: the application, the signed agreement and the checklist to a first deal. */
import { defineObject } from '../schema/object.ts';
import {
  text,
  longText,
  picklist,
  lookup,
  integer,
  email,
  url,
  dateTime,
  date,
  money,
  currency,
} from '../schema/fields.ts';
import { partnersReadOnly, setByRules } from '../schema/roles.ts';
import { partnerTypes } from '../partners/schema.ts';

export const partnerApplication = defineObject({
  name: 'partnerApplication',
  label: 'Partner Application',
  pluralLabel: 'Partner Applications',
  description: "A company's request to join the program, with its fit score and the review.",
  nameField: { label: 'Application number', autoNumber: 'APP-{000000}' },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'none',
  },
  fields: {
    companyName: text(255, { required: true }),
    website: url({ required: true }),
    country: text(80, { required: true }),
    partnerType: picklist(partnerTypes, { required: true }),
    contactName: text(121, { required: true }),
    contactEmail: email({ required: true }),
    employees: integer({ min: 0, label: 'Employees' }),
    currency: currency({ default: 'USD' }),
    annualRevenue: money(),
    specialisations: longText(2000),
    status: picklist(['submitted', 'in_review', 'accepted', 'rejected', 'withdrawn'], {
      required: true,
      default: 'submitted',
      label: 'Application status',
      access: partnersReadOnly,
    }),
    fitScore: integer({ min: 0, max: 100, access: setByRules, help: 'Weighted fit score from the program criteria.' }),
    reviewedBy: text(121, { access: partnersReadOnly }),
    reviewedAt: dateTime({ access: partnersReadOnly }),
    decisionReason: longText(2000, { access: partnersReadOnly }),
    partner: lookup('partner', { access: setByRules, help: 'The partner created when the application was accepted.' }),
  },
  listView: ['companyName', 'partnerType', 'country', 'status', 'fitScore'],
});

export const agreement = defineObject({
  name: 'agreement',
  label: 'Partner Agreement',
  pluralLabel: 'Partner Agreements',
  description: 'The versioned partner contract, signed by typed name with a timestamp.',
  nameField: { label: 'Agreement number', autoNumber: 'AGR-{000000}' },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'read',
  },
  fields: {
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    agreementVersion: text(20, { required: true, access: partnersReadOnly, help: 'e.g. 2026.1' }),
    documentUrl: url({ access: partnersReadOnly }),
    status: picklist(['sent', 'signed', 'superseded', 'terminated'], {
      required: true,
      default: 'sent',
      label: 'Agreement status',
      access: setByRules,
    }),
    signedByName: text(121, { label: 'Signed by (typed name)' }),
    signedByEmail: email({ label: 'Signer email' }),
    signedAt: dateTime({ access: setByRules }),
    effectiveUntil: date({ access: partnersReadOnly }),
  },
  listView: ['partner', 'agreementVersion', 'status', 'signedByName', 'signedAt'],
});

export const onboardingTask = defineObject({
  name: 'onboardingTask',
  label: 'Onboarding Task',
  pluralLabel: 'Onboarding Tasks',
  description: 'One step from accepted application to first deal; finishing one step opens the next.',
  nameField: { label: 'Task', length: 120 },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    partner: lookup('partner', { required: true }),
    step: picklist(
      ['sign_agreement', 'grant_portal_access', 'assign_training', 'complete_training', 'register_first_deal'],
      {
        required: true,
      },
    ),
    sequence: integer({ required: true, min: 1 }),
    status: picklist(['not_started', 'open', 'done', 'skipped'], {
      required: true,
      default: 'not_started',
      label: 'Task status',
    }),
    dueOn: date(),
    completedAt: dateTime(),
    notes: longText(2000),
  },
  listView: ['partner', 'step', 'status', 'dueOn'],
});
