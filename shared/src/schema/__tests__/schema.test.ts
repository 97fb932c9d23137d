import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prmObjects, objectNamed } from '../registry.ts';
import { checkSchema } from '../check.ts';
import { defineObject } from '../object.ts';
import { email, lookup, maxLength, money, text, picklist, longText } from '../fields.ts';
import { fieldAccess, objectAccess } from '../access.ts';

test('the PRM schema is consistent', () => {
  assert.deepEqual(checkSchema(prmObjects), []);
});

test('the schema declares every object the program needs', () => {
  const names = prmObjects.map((o) => o.name);
  for (const required of [
    'partner',
    'program',
    'tier',
    'partnerContact',
    'partnerApplication',
    'agreement',
    'onboardingTask',
    'course',
    'enrollment',
    'certification',
    'dealRegistration',
    'dealRegistrationLineItem',
    'namedAccount',
    'lead',
    'routingRule',
    'leadOffer',
    'mdfBudget',
    'mdfAllocation',
    'fundRequest',
    'fundClaim',
    'campaign',
    'campaignAsset',
    'jointBusinessPlan',
    'planGoal',
    'planAction',
    'businessReview',
    'npsResponse',
  ]) {
    assert.ok(names.includes(required), `missing ${required}`);
  }
});

test('a field never gives a role more than its object does', () => {
  const registration = objectNamed(prmObjects, 'dealRegistration');
  assert.equal(objectAccess(registration, 'partnerRep'), 'edit');
  assert.equal(fieldAccess(registration, registration.fields.status, 'partnerRep'), 'read');
  assert.equal(fieldAccess(registration, registration.fields.conflictReasons, 'partnerRep'), 'none');
  const tier = objectNamed(prmObjects, 'tier');
  assert.equal(fieldAccess(tier, { ...tier.fields.rank, access: { partnerRep: 'edit' } }, 'partnerRep'), 'read');
});

test('schema mistakes are reported with the object, the field and the reason', () => {
  const broken = defineObject({
    name: 'brokenThing',
    label: 'Broken',
    pluralLabel: 'Brokens',
    description: 'for the test',
    nameField: { label: 'Name', length: 80 },
    partnerField: 'owner',
    access: { channelAdmin: 'edit' },
    fields: {
      owner: lookup('nowhere'),
      amount: money(),
      title: text(300),
      notes: longText(100),
      state: picklist(['open', 'open', 'Bad Value'], { default: 'closed' }),
    },
    listView: ['missing'],
  });
  const messages = checkSchema([...prmObjects, broken])
    .filter((p) => p.object === 'brokenThing')
    .map((p) => `${p.field ?? '-'}: ${p.message}`);
  assert.deepEqual(messages.sort(), [
    '-: an object with money fields needs a "currency" field (money is stored in minor units of it)',
    '-: list view column "missing" is not a field',
    '-: partnerField "owner" must be a lookup to partner',
    'notes: longText length must be 256 to 131072 (got 100)',
    'owner: looks up "nowhere", which is not an object in the schema',
    'state: default "closed" is not one of the picklist values',
    'state: picklist value "Bad Value" must be lower_snake_case',
    'state: picklist value "open" appears twice',
    'title: text length must be 1 to 255 (got 300); use longText for more',
  ]);
});

test('fields added to a CRM object may not be required', () => {
  const partner = objectNamed(prmObjects, 'partner');
  const strict = { ...partner, fields: { ...partner.fields, mustHave: text(10, { required: true }) } };
  const problems = checkSchema(prmObjects.map((o) => (o.name === 'partner' ? strict : o)));
  assert.deepEqual(problems, [
    {
      object: 'partner',
      field: 'mustHave',
      message: "a field added to the CRM's own account cannot be required: every existing record would fail to save",
    },
  ]);
});

test('a field holds at most its declared length; an e-mail address what mail systems deliver', () => {
  assert.equal(maxLength(text(80)), 80);
  assert.equal(maxLength(longText(4000)), 4000);
  assert.equal(maxLength(email()), 254);
  assert.equal(maxLength(money()), null);
});
