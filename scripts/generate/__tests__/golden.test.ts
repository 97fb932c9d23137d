/**
 * Golden files: each generator's whole output for a small schema that uses every field type, compared
 * byte for byte with the files under golden/. After an intended change to a generator, run
 * `UPDATE_GOLDEN=1 node --test scripts/generate/__tests__/golden.test.ts` and review the diff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defineObject } from '@prm/core/schema/object';
import {
  checkbox,
  currency,
  date,
  dateTime,
  decimal,
  email,
  integer,
  longText,
  lookup,
  money,
  multiPicklist,
  percent,
  phone,
  picklist,
  text,
  url,
} from '@prm/core/schema/fields';
import { checkSchema } from '@prm/core/schema/check';
import { generateTypescript } from '../typescript.ts';
import { generateSalesforce } from '../salesforce.ts';
import { generateHubspot } from '../hubspot.ts';
import { generateDataverse } from '../dataverse.ts';
import { generateSql } from '../sql.ts';
import { generateDatabase } from '../database.ts';
import type { GeneratedFile } from '../files.ts';

const goldenDir = join(import.meta.dirname, 'golden');

const member = defineObject({
  name: 'member',
  label: 'Member',
  pluralLabel: 'Members',
  description: 'A company in the club, kept on the CRM account.',
  extends: 'account',
  nameField: { label: 'Company', length: 255 },
  access: { channelAdmin: 'edit', channelManager: 'read', partnerAdmin: 'read' },
  fields: {
    level: picklist(['bronze', 'gold'], { default: 'bronze', access: { channelManager: 'read' } }),
    joinedOn: date(),
  },
  listView: ['level'],
});

const booking = defineObject({
  name: 'booking',
  label: 'Booking',
  pluralLabel: 'Bookings',
  description: 'A booking a member makes.',
  nameField: { label: 'Booking number', autoNumber: 'BK-{0000}' },
  access: { channelAdmin: 'edit', channelManager: 'edit', salesRep: 'read', partnerAdmin: 'edit', partnerRep: 'read' },
  fields: {
    member: lookup('member', { required: true }),
    title: text(80, { required: true, help: 'What is booked.' }),
    notes: longText(1000),
    contactEmail: email(),
    website: url(),
    phone: phone(),
    seats: integer({ min: 1, max: 500 }),
    rating: decimal(5, 2, { min: 0, max: 5 }),
    currency: currency({ required: true, default: 'EUR' }),
    price: money({ required: true }),
    discount: percent({ access: { partnerAdmin: 'read' } }),
    startsOn: date({ required: true }),
    confirmedAt: dateTime({ access: { partnerAdmin: 'read', partnerRep: 'none' } }),
    paid: checkbox(),
    extras: multiPicklist(['parking', 'lunch']),
    channel: picklist(['web', 'phone'], { required: true, default: 'web' }),
    bookingCode: text(20, { unique: true, externalId: true }),
  },
  listView: ['title', 'startsOn', 'price'],
});

const schema = [member, booking];

function readGolden(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(goldenDir, path).replace(/\.golden$/, ''), readFileSync(path, 'utf8'));
    }
  };
  walk(goldenDir);
  return files;
}

function compare(generator: string, files: GeneratedFile[]) {
  const golden = readGolden();
  const prefix = `${generator}/`;
  if (process.env.UPDATE_GOLDEN) {
    rmSync(join(goldenDir, generator), { recursive: true, force: true });
    for (const file of files) {
      const path = join(goldenDir, generator, `${file.path}.golden`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
    return;
  }
  const expected = [...golden.keys()].filter((k) => k.startsWith(prefix)).sort();
  assert.deepEqual(
    files.map((f) => `${prefix}${f.path}`).sort(),
    expected,
    `${generator} writes a different set of files`,
  );
  for (const file of files)
    assert.equal(file.content, golden.get(`${prefix}${file.path}`), `${file.path} differs from its golden file`);
}

describe('generators against golden files', () => {
  it('the golden schema is itself valid', () => assert.deepEqual(checkSchema(schema), []));
  it('TypeScript types and validators', () => compare('typescript', generateTypescript(schema)));
  it('Salesforce source', () => compare('salesforce', generateSalesforce(schema)));
  it('HubSpot properties and custom objects', () => compare('hubspot', generateHubspot(schema)));
  it('Dataverse tables, columns and relationships', () => compare('dataverse', generateDataverse(schema)));
  it('SQL: the first migration from an empty snapshot', () =>
    compare('sql', generateSql(schema, { snapshot: { tables: [] }, files: [] })));
  it("the store's table types for Kysely", () => compare('database', generateDatabase(schema)));
});
