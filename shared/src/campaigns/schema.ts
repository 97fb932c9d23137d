/** Co-marketing campaigns the vendor offers partners, and the assets partners use to run them. */
import { defineObject } from '../schema/object.ts';
import { text, longText, picklist, lookup, date, url, checkbox, multiPicklist } from '../schema/fields.ts';

export const campaign = defineObject({
  name: 'campaign',
  label: 'Partner Campaign',
  pluralLabel: 'Partner Campaigns',
  description: 'A co-marketing campaign partners can run, often funded by MDF.',
  nameField: { label: 'Campaign name', length: 120 },
  partnerField: 'partner',
  emptyPartnerMeansEveryPartner: true,
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    partner: lookup('partner', { help: 'Empty for a campaign offered to every partner.' }),
    description: longText(4000),
    startsOn: date(),
    endsOn: date(),
    status: picklist(['planned', 'active', 'completed', 'cancelled'], {
      required: true,
      default: 'planned',
      label: 'Campaign status',
    }),
    audience: multiPicklist(['enterprise', 'mid_market', 'smb', 'public_sector']),
  },
  listView: ['partner', 'status', 'startsOn', 'endsOn'],
});

export const campaignAsset = defineObject({
  name: 'campaignAsset',
  label: 'Campaign Asset',
  pluralLabel: 'Campaign Assets',
  description: 'An email template, landing page, deck or banner partners use in a campaign.',
  nameField: { label: 'Asset name', length: 120 },
  ownedThrough: 'campaign',
  access: {
    channelAdmin: 'edit',
    channelManager: 'edit',
    salesRep: 'read',
    partnerAdmin: 'read',
    partnerRep: 'read',
  },
  fields: {
    campaign: lookup('campaign', { required: true }),
    assetType: picklist(['email_template', 'landing_page', 'presentation', 'banner', 'video', 'document'], {
      required: true,
    }),
    assetUrl: url({ required: true }),
    language: text(10, { help: 'BCP 47 language tag, e.g. en or de-DE.' }),
    coBrandable: checkbox({ label: 'Co-brandable' }),
  },
  listView: ['campaign', 'assetType', 'language', 'coBrandable'],
});
