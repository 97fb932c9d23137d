/** Feedback that feeds the scorecards: partner NPS responses. */
import { defineObject } from '../schema/object.ts';
import { longText, picklist, lookup, integer, dateTime, text } from '../schema/fields.ts';
import { partnersReadOnly } from '../schema/roles.ts';

export const npsResponse = defineObject({
  name: 'npsResponse',
  label: 'NPS Response',
  pluralLabel: 'NPS Responses',
  description: "One partner user's answer to 'how likely are you to recommend our program?'.",
  nameField: { label: 'Response number', autoNumber: 'NPS-{000000}' },
  partnerField: 'partner',
  parents: ['partnerContact'],
  access: {
    channelAdmin: 'edit',
    channelManager: 'read',
    salesRep: 'none',
    partnerAdmin: 'edit',
    partnerRep: 'edit',
  },
  fields: {
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    partnerContact: lookup('partnerContact', { label: 'Respondent' }),
    score: integer({ required: true, min: 0, max: 10, help: '0 (not at all likely) to 10 (extremely likely).' }),
    comment: longText(4000),
    survey: text(80, { help: 'Which survey round, e.g. 2026-H2.' }),
    respondedAt: dateTime({ required: true }),
    category: picklist(['detractor', 'passive', 'promoter'], { access: partnersReadOnly }),
  },
  listView: ['partner', 'score', 'survey', 'respondedAt'],
});
