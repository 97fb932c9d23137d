/** Partners: the companies in the program (a profile on the CRM's account) and the people who work there. */
import { defineObject } from '../schema/object.ts';
import {
  text,
  url,
  picklist,
  multiPicklist,
  lookup,
  date,
  integer,
  decimal,
  checkbox,
  email,
  phone,
} from '../schema/fields.ts';
import { hiddenFromPartners, partnersReadOnly, setByRules } from '../schema/roles.ts';

export const partnerTypes = [
  'reseller',
  'system_integrator',
  { value: 'technology_alliance', label: 'Technology (ISV) alliance' },
  'managed_service_provider',
  'referral',
] as const;

export const partner = defineObject({
  name: 'partner',
  label: 'Partner',
  pluralLabel: 'Partners',
  description: "A company in the partner program. Its profile is kept on the CRM's own account record.",
  extends: 'account',
  nameField: { label: 'Company name', length: 255 },
  partnerField: 'id',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'read',
  },
  fields: {
    website: url({ standard: true }),
    country: text(80, { standard: true, help: 'Country of the headquarters, as an ISO 3166 code or name.' }),
    region: text(80, { standard: true, label: 'State or region' }),
    postalCode: text(20, { standard: true }),
    partnerType: picklist(partnerTypes, { access: partnersReadOnly }),
    segment: picklist(['enterprise', 'mid_market', 'smb', 'public_sector'], {
      help: 'The customer segment the partner mostly sells to.',
    }),
    status: picklist(['prospect', 'onboarding', 'active', 'suspended', 'terminated'], {
      default: 'prospect',
      label: 'Partner status',
      access: setByRules,
    }),
    program: lookup('program', { access: partnersReadOnly }),
    tier: lookup('tier', { access: setByRules }),
    tierSince: date({ access: setByRules }),
    specialisations: multiPicklist(['security', 'cloud', 'data_analytics', 'networking', 'erp', 'crm', 'devops'], {
      help: 'What the partner is qualified to sell and deliver; lead routing reads it.',
    }),
    industries: multiPicklist(
      ['manufacturing', 'financial_services', 'healthcare', 'retail', 'public_sector', 'technology', 'education'],
      { label: 'Industries served' },
    ),
    latitude: decimal(9, 6, { min: -90, max: 90, help: 'Location used for "nearest partner" lead routing.' }),
    longitude: decimal(9, 6, { min: -180, max: 180 }),
    timeZone: text(64, {
      help: 'IANA time zone (e.g. Europe/Berlin); lead SLAs count in this zone’s business hours.',
    }),
    leadCapacity: integer({ min: 0, help: 'The most open lead offers and leads the partner may hold at once.' }),
    leadWeight: integer({
      min: 0,
      max: 100,
      help: 'Share of leads relative to other partners; 0 means never offered leads.',
      access: hiddenFromPartners,
    }),
    acceptsLeads: checkbox({ default: true, help: 'The partner takes part in lead distribution.' }),
    partnerManager: text(120, { label: 'Partner manager', access: partnersReadOnly }),
    joinedOn: date({ access: setByRules }),
    onboardingCompletedOn: date({ access: setByRules }),
    firstDealWonOn: date({ access: setByRules }),
  },
  listView: ['partnerType', 'status', 'tier', 'country', 'partnerManager'],
});

export const partnerContact = defineObject({
  name: 'partnerContact',
  label: 'Partner Contact',
  pluralLabel: 'Partner Contacts',
  description: 'A person at a partner: their role in the program and whether they may sign in to the portal.',
  extends: 'contact',
  nameField: { label: 'Full name', length: 121 },
  partnerField: 'partner',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'edit',
    partnerRep: 'read',
  },
  fields: {
    email: email({ standard: true }),
    phone: phone({ standard: true }),
    partner: lookup('partner', { access: partnersReadOnly }),
    partnerRole: picklist(['partner_admin', 'partner_rep', 'sales', 'technical', 'marketing', 'executive'], {
      help: 'What this person does in the partnership; partner admins and reps may sign in to the portal.',
    }),
    portalAccess: checkbox({ help: 'The person may sign in to the partner portal.' }),
    portalAccessGrantedAt: date({ access: setByRules }),
  },
  listView: ['partner', 'partnerRole', 'email', 'portalAccess'],
});
