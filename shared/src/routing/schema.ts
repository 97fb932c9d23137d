/** Lead distribution: the routing fields on the CRM's lead, the rule chain, and each offer to a partner. */
import { defineObject } from '../schema/object.ts';
import { text, longText, picklist, lookup, integer, dateTime, checkbox, email } from '../schema/fields.ts';
import { hiddenFromPartners, partnersReadOnly, setByRules } from '../schema/roles.ts';

/** The conditions, operators, strategies and decline reasons the routing rules understand (routing/rules.ts). */
export const ruleConditions = [
  'country',
  'region',
  'postal_prefix',
  'distance',
  'specialisation',
  'product',
  'industry',
  'company_size',
  'minimum_tier',
  'certification',
  'partner_active',
] as const;
export const ruleOperators = ['equals', 'in', 'starts_with', 'at_least', 'at_most', 'within_km'] as const;
export const strategies = ['weighted', 'round_robin', 'capacity', 'best_score', 'nearest'] as const;
export const declineReasons = [
  'no_capacity',
  'not_our_territory',
  'not_our_specialisation',
  'customer_known',
  'other',
] as const;

export const lead = defineObject({
  name: 'lead',
  label: 'Lead',
  pluralLabel: 'Leads',
  description: "A prospective customer the vendor hands to a partner; routing fields on the CRM's own lead.",
  extends: 'lead',
  nameField: { label: 'Name', length: 121 },
  partnerField: 'assignedPartner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'edit',
  },
  fields: {
    company: text(255, { standard: true, access: partnersReadOnly }),
    email: email({ standard: true, access: partnersReadOnly }),
    country: text(80, { standard: true, access: partnersReadOnly }),
    region: text(80, { standard: true, label: 'State or region', access: partnersReadOnly }),
    postalCode: text(20, { standard: true, access: partnersReadOnly }),
    industry: text(80, { standard: true, access: partnersReadOnly }),
    employees: integer({ standard: true, min: 0, access: partnersReadOnly }),
    productInterest: text(120, {
      access: partnersReadOnly,
      help: 'The product or specialisation the lead asked about.',
    }),
    routingStatus: picklist(['new', 'offered', 'assigned', 'fallback', 'converted', 'closed'], {
      default: 'new',
      access: setByRules,
    }),
    assignedPartner: lookup('partner', { access: setByRules }),
    offerAttempts: integer({ min: 0, default: 0, access: setByRules }),
    routedAt: dateTime({ access: setByRules }),
    routingExplanation: longText(4000, {
      access: hiddenFromPartners,
      help: 'Why the lead went where it went: rules matched, partners excluded, why the winner won.',
    }),
  },
  listView: ['company', 'country', 'routingStatus', 'assignedPartner', 'routedAt'],
});

export const routingRule = defineObject({
  name: 'routingRule',
  label: 'Routing Rule',
  pluralLabel: 'Routing Rules',
  description: 'A condition in the chain that narrows which partners may receive a lead.',
  nameField: { label: 'Rule name', length: 80 },
  access: {
    channelAdmin: 'edit',
    channelManager: 'read',
    salesRep: 'none',
    partnerAdmin: 'none',
    partnerRep: 'none',
  },
  fields: {
    program: lookup('program'),
    sequence: integer({ required: true, min: 1, help: 'Rules run in ascending order.' }),
    condition: picklist(ruleConditions, { required: true }),
    operator: picklist(ruleOperators, { required: true }),
    value: text(255, { help: 'The value to compare with; several values separated by commas.' }),
    mode: picklist(['required', 'optional'], {
      required: true,
      default: 'required',
      help: 'Required: no matching partner sends the lead to fallback. Optional: skipped when nothing matches.',
    }),
    strategy: picklist(strategies, {
      help: 'How the chain picks among the partners left (read from the last rule that sets it).',
    }),
    active: checkbox({ default: true }),
  },
  listView: ['sequence', 'condition', 'operator', 'value', 'mode'],
});

export const leadOffer = defineObject({
  name: 'leadOffer',
  label: 'Lead Offer',
  pluralLabel: 'Lead Offers',
  description: 'A lead offered to one partner with an SLA: accepted, declined with a reason, or expired.',
  nameField: { label: 'Offer number', autoNumber: 'OFR-{000000}' },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'edit',
  },
  fields: {
    lead: lookup('lead', { required: true, access: partnersReadOnly }),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    attempt: integer({ required: true, min: 1, access: setByRules }),
    status: picklist(['offered', 'accepted', 'declined', 'expired', 'withdrawn'], {
      required: true,
      default: 'offered',
      label: 'Offer status',
      access: setByRules,
    }),
    offeredAt: dateTime({ required: true, access: setByRules }),
    respondBy: dateTime({
      required: true,
      access: setByRules,
      help: 'The SLA deadline in the partner’s business hours.',
    }),
    respondedAt: dateTime({ access: setByRules }),
    declineReason: picklist(declineReasons),
    declineNote: longText(1000),
    explanation: longText(4000, { access: partnersReadOnly }),
  },
  listView: ['lead', 'partner', 'status', 'offeredAt', 'respondBy'],
});
