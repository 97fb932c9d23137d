/** Joint business plans with their goals and actions, and the quarterly business review. */
import { defineObject } from '../schema/object.ts';
import {
  text,
  longText,
  picklist,
  lookup,
  date,
  dateTime,
  money,
  currency,
  integer,
  decimal,
} from '../schema/fields.ts';
import { partnersReadOnly, setByRules } from '../schema/roles.ts';

const planAccess = {
  channelAdmin: 'edit',
  channelManager: 'edit',
  salesRep: 'read',
  partnerAdmin: 'edit',
  partnerRep: 'read',
} as const;

export const jointBusinessPlan = defineObject({
  name: 'jointBusinessPlan',
  label: 'Joint Business Plan',
  pluralLabel: 'Joint Business Plans',
  description: "A partner's goals and actions for a period, agreed with the vendor.",
  nameField: { label: 'Plan name', length: 120 },
  partnerField: 'partner',
  access: planAccess,
  fields: {
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    periodStart: date({ required: true }),
    periodEnd: date({ required: true }),
    status: picklist(['draft', 'agreed', 'active', 'closed'], {
      required: true,
      default: 'draft',
      label: 'Plan status',
    }),
    summary: longText(4000),
    agreedAt: dateTime({ access: setByRules }),
  },
  listView: ['partner', 'periodStart', 'periodEnd', 'status'],
});

export const planGoal = defineObject({
  name: 'planGoal',
  label: 'Plan Goal',
  pluralLabel: 'Plan Goals',
  description: 'A measurable goal in a joint business plan; progress comes from the real data.',
  nameField: { label: 'Goal', length: 120 },
  partnerField: 'partner',
  parents: ['jointBusinessPlan'],
  access: planAccess,
  fields: {
    jointBusinessPlan: lookup('jointBusinessPlan', { required: true }),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    measure: picklist(
      ['sourced_revenue', 'influenced_revenue', 'registrations', 'won_deals', 'certifications', 'campaigns'],
      {
        required: true,
      },
    ),
    currency: currency({ default: 'USD', help: 'For revenue goals.' }),
    target: decimal(18, 2, { required: true, min: 0, help: 'Revenue goals in major units; counts otherwise.' }),
    actual: decimal(18, 2, { access: setByRules }),
    progressComputedAt: dateTime({ access: setByRules }),
  },
  listView: ['jointBusinessPlan', 'measure', 'target', 'actual'],
});

export const planAction = defineObject({
  name: 'planAction',
  label: 'Plan Action',
  pluralLabel: 'Plan Actions',
  description: 'Something someone will do to reach a plan goal, with an owner and a due date.',
  nameField: { label: 'Action', length: 120 },
  partnerField: 'partner',
  parents: ['jointBusinessPlan', 'planGoal'],
  access: planAccess,
  fields: {
    jointBusinessPlan: lookup('jointBusinessPlan', { required: true }),
    planGoal: lookup('planGoal'),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    ownerName: text(121, { required: true, label: 'Owner' }),
    ownerSide: picklist(['vendor', 'partner'], { required: true }),
    dueOn: date(),
    status: picklist(['open', 'in_progress', 'done', 'dropped'], {
      required: true,
      default: 'open',
      label: 'Action status',
    }),
  },
  listView: ['jointBusinessPlan', 'ownerName', 'dueOn', 'status'],
});

export const businessReview = defineObject({
  name: 'businessReview',
  label: 'Business Review',
  pluralLabel: 'Business Reviews',
  description: 'The quarterly comparison of a partner’s plan and actuals.',
  nameField: { label: 'Review name', length: 120 },
  partnerField: 'partner',
  parents: ['jointBusinessPlan'],
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    partner: lookup('partner', { required: true }),
    jointBusinessPlan: lookup('jointBusinessPlan'),
    quarter: text(7, { required: true, help: 'The quarter reviewed, as YYYY-Qn (e.g. 2026-Q3).' }),
    heldOn: date(),
    currency: currency({ default: 'USD' }),
    sourcedRevenue: money({ access: setByRules }),
    influencedRevenue: money({ access: setByRules }),
    registrations: integer({ min: 0, access: setByRules }),
    attainmentPercent: decimal(6, 2, { access: setByRules, label: 'Plan attainment (%)' }),
    verdict: picklist(['under_plan', 'on_plan', 'above_plan', 'high_potential'], { access: setByRules }),
    notes: longText(8000),
  },
  listView: ['partner', 'quarter', 'attainmentPercent', 'verdict'],
});
