/** Market development funds: budgets per period, allocations, fund requests and fund claims. */
import { defineObject } from '../schema/object.ts';
import { text, longText, picklist, lookup, dateTime, date, money, currency, percent, url, integer } from '../schema/fields.ts';
import { partnersReadOnly, setByRules } from '../schema/roles.ts';

export const mdfBudget = defineObject({
  name: 'mdfBudget',
  label: 'MDF Budget',
  pluralLabel: 'MDF Budgets',
  description: 'Market development funds for one period, pooled or allocated per partner.',
  nameField: { label: 'Budget name', length: 80 },
  access: {
    channelAdmin: 'edit',
    channelManager: 'read',
    salesRep: 'none',
    partnerAdmin: 'none',
    partnerRep: 'none',
  },
  fields: {
    program: lookup('program', { required: true }),
    periodStart: date({ required: true }),
    periodEnd: date({ required: true }),
    currency: currency({ required: true, default: 'USD' }),
    totalAmount: money({ required: true }),
    allocationMethod: picklist(['pooled', 'by_tier_percentage', 'manual'], { required: true, default: 'by_tier_percentage' }),
    requestDeadline: date(),
    claimDeadlineDays: integer({ min: 1, max: 365, default: 60, help: 'Days after the activity ends to file a claim.' }),
    defaultReimbursementRate: percent({ default: 50, label: 'Default reimbursement rate' }),
    status: picklist(['planned', 'open', 'closed'], { required: true, default: 'planned', label: 'Budget status' }),
  },
  listView: ['periodStart', 'periodEnd', 'totalAmount', 'allocationMethod', 'status'],
});

export const mdfAllocation = defineObject({
  name: 'mdfAllocation',
  label: 'MDF Allocation',
  pluralLabel: 'MDF Allocations',
  description: 'The part of a budget assigned to one partner.',
  nameField: { label: 'Allocation number', autoNumber: 'ALC-{000000}' },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'none',
    partnerAdmin: 'read',
    partnerRep: 'none',
  },
  fields: {
    mdfBudget: lookup('mdfBudget', { required: true, label: 'MDF budget' }),
    partner: lookup('partner', { required: true }),
    currency: currency({ required: true, default: 'USD' }),
    allocatedAmount: money({ required: true }),
    approvedAmount: money({ access: setByRules, help: 'Sum of approved fund requests.' }),
    paidAmount: money({ access: setByRules }),
  },
  listView: ['mdfBudget', 'partner', 'allocatedAmount', 'approvedAmount', 'paidAmount'],
});

export const fundRequest = defineObject({
  name: 'fundRequest',
  label: 'Fund Request',
  pluralLabel: 'Fund Requests',
  description: 'A request for MDF for a marketing activity, approved against the remaining balance.',
  nameField: { label: 'Request number', autoNumber: 'FRQ-{000000}' },
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
    mdfAllocation: lookup('mdfAllocation', { label: 'MDF allocation', access: partnersReadOnly }),
    mdfBudget: lookup('mdfBudget', { required: true, label: 'MDF budget', access: partnersReadOnly }),
    activityName: text(120, { required: true }),
    activityType: picklist(['event', 'webinar', 'digital_campaign', 'content', 'trade_show', 'training', 'other'], {
      required: true,
    }),
    activityStart: date({ required: true }),
    activityEnd: date({ required: true }),
    currency: currency({ required: true, default: 'USD' }),
    requestedAmount: money({ required: true }),
    approvedAmount: money({ access: setByRules }),
    expectedLeads: integer({ min: 0 }),
    expectedPipeline: money(),
    description: longText(4000),
    status: picklist(['draft', 'submitted', 'approved', 'rejected', 'cancelled'], {
      required: true,
      default: 'draft',
      label: 'Request status',
      access: setByRules,
    }),
    decidedAt: dateTime({ access: setByRules }),
    decidedBy: text(121, { access: setByRules }),
    decisionReason: longText(2000, { access: partnersReadOnly }),
    campaign: lookup('campaign'),
  },
  listView: ['partner', 'activityName', 'requestedAmount', 'approvedAmount', 'status'],
});

export const fundClaim = defineObject({
  name: 'fundClaim',
  label: 'Fund Claim',
  pluralLabel: 'Fund Claims',
  description: 'A request to be reimbursed after the activity, with proof of performance.',
  nameField: { label: 'Claim number', autoNumber: 'FCL-{000000}' },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'read',
  },
  fields: {
    fundRequest: lookup('fundRequest', { required: true, access: partnersReadOnly }),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    currency: currency({ required: true, default: 'USD' }),
    claimedAmount: money({ required: true, help: 'What the activity cost; reimbursed at the reimbursement rate.' }),
    reimbursementRate: percent({ access: setByRules }),
    approvedAmount: money({ access: setByRules }),
    paidAmount: money({ access: setByRules }),
    proofOfPerformanceUrl: url({ label: 'Proof of performance' , help: 'Invoice, attendee list or screenshots.' }),
    proofDescription: longText(2000, { label: 'Proof of performance notes' }),
    actualLeads: integer({ min: 0 }),
    status: picklist(['draft', 'submitted', 'approved', 'rejected', 'paid'], {
      required: true,
      default: 'draft',
      label: 'Claim status',
      access: setByRules,
    }),
    submittedAt: dateTime({ access: setByRules }),
    paidAt: dateTime({ access: setByRules }),
    paymentReference: text(80, { access: setByRules }),
  },
  listView: ['partner', 'fundRequest', 'claimedAmount', 'paidAmount', 'status'],
});
