/** The program and its tiers: what a partner must achieve to hold a tier and what the tier gives. */
import { defineObject } from '../schema/object.ts';
import { longText, picklist, lookup, integer, money, currency, percent, checkbox } from '../schema/fields.ts';

export const program = defineObject({
  name: 'program',
  label: 'Partner Program',
  pluralLabel: 'Partner Programs',
  description: 'The partner program: its tiers, protection windows, lead SLAs and MDF rules.',
  nameField: { label: 'Program name', length: 80 },
  access: {
    channelAdmin: 'edit',
    channelManager: 'read',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    description: longText(4000),
    active: checkbox({ default: true }),
    currency: currency({ required: true, default: 'USD', help: 'The currency of budgets and revenue criteria.' }),
    protectionDays: integer({
      min: 1,
      max: 365,
      default: 90,
      label: 'Protection window (days)',
      help: 'How long an approved registration protects the partner, unless the tier says otherwise.',
    }),
    extensionPolicy: picklist(['none', 'once', 'unlimited'], { default: 'once' }),
    extensionDays: integer({ min: 1, max: 365, default: 30, label: 'Extension (days)' }),
    leadSlaHours: integer({ min: 1, max: 720, default: 24, label: 'Lead SLA (business hours)' }),
    maxOfferAttempts: integer({ min: 1, max: 50, default: 3, help: 'Partners a lead is offered to before fallback.' }),
    downgradeGraceDays: integer({ min: 0, max: 365, default: 90 }),
    registrationRequiresCertification: checkbox({
      help: 'Partners must hold a current certification before they may register deals.',
    }),
  },
  listView: ['active', 'currency', 'protectionDays', 'leadSlaHours'],
});

export const tier = defineObject({
  name: 'tier',
  label: 'Partner Tier',
  pluralLabel: 'Partner Tiers',
  description: 'A level in the program (Registered, Silver, Gold, Platinum) with its criteria and benefits.',
  nameField: { label: 'Tier name', length: 80 },
  access: {
    channelAdmin: 'edit',
    channelManager: 'read',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    program: lookup('program', { required: true }),
    rank: integer({ required: true, min: 1, max: 20, help: 'Order of tiers: 1 is the entry tier.' }),
    currency: currency({ required: true, default: 'USD' }),
    minSourcedRevenue: money({ label: 'Minimum trailing-12-month sourced revenue' }),
    minCertifiedPeople: integer({ min: 0 }),
    minRegisteredDeals: integer({ min: 0, label: 'Minimum registered deals (12 months)' }),
    minWonDeals: integer({ min: 0, label: 'Minimum won deals (12 months)' }),
    minNps: integer({ min: -100, max: 100, label: 'Minimum NPS' }),
    requiresMdfCompliance: checkbox({ label: 'Requires MDF compliance' }),
    protectionDays: integer({ min: 1, max: 365, label: 'Protection window (days)' }),
    discountPercent: percent({ label: 'Discount' }),
    registeredDealUplift: percent({ label: 'Registered-deal margin uplift' }),
    mdfSharePercent: percent({ label: 'MDF share' }),
    leadWeight: integer({ min: 0, max: 100, help: 'Lead share weight for partners of this tier; 0 = never.' }),
    autoApproveUpTo: money({ label: 'Auto-approve registrations up to' }),
    benefits: longText(4000),
  },
  listView: ['program', 'rank', 'minSourcedRevenue', 'protectionDays', 'leadWeight'],
});
