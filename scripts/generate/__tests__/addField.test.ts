import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { prmObjects } from '@prm/core/schema/registry';
import { text } from '@prm/core/schema/fields';
import { generateAll, findDrift } from '../all.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The next migration's number: after the highest committed (generated and hand-written share one sequence). */
const next = String(
  Math.max(
    ...readdirSync(resolve(repoRoot, 'server/migrations/sqlite'))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => Number(f.slice(0, 4))),
  ) + 1,
).padStart(4, '0');
const newMigration = `${next}_add_deal_registration_partner_reference.sql`;

/** The schema with one more field on deal registrations, as a newcomer would add it. */
const withNewField = prmObjects.map((object) =>
  object.name === 'dealRegistration'
    ? {
        ...object,
        fields: { ...object.fields, partnerReference: text(40, { help: "The partner's own deal number." }) },
      }
    : object,
);

describe('adding a field to the schema', () => {
  it('changes all four outputs consistently: TypeScript, Salesforce, HubSpot, Dataverse, and a new SQL migration', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'prm-add-field-'));
    try {
      cpSync(join(repoRoot, 'server/migrations'), join(scratch, 'server/migrations'), { recursive: true });
      const before = new Map(generateAll(prmObjects, scratch).map((f) => [f.path, f.content]));
      const after = new Map(generateAll(withNewField, scratch).map((f) => [f.path, f.content]));
      const changed = [...after.keys()].filter((path) => before.get(path) !== after.get(path)).sort();
      const removed = [...before.keys()].filter((path) => !after.has(path));
      assert.deepEqual(removed, []);
      assert.deepEqual(changed, [
        'dynamics-app/schema/tables/prm_dealregistration.json',
        'force-app/main/default/objects/Deal_Registration__c/fields/Partner_Reference__c.field-meta.xml',
        'force-app/main/default/permissionsets/PRM_Channel_Admin.permissionset-meta.xml',
        'force-app/main/default/permissionsets/PRM_Channel_Manager.permissionset-meta.xml',
        'force-app/main/default/permissionsets/PRM_Partner_Admin.permissionset-meta.xml',
        'force-app/main/default/permissionsets/PRM_Partner_Rep.permissionset-meta.xml',
        'force-app/main/default/permissionsets/PRM_Sales_Rep.permissionset-meta.xml',
        'hubspot-app/schema/custom-objects/prm_deal_registration.json',
        `server/migrations/postgres/${newMigration}`,
        'server/migrations/snapshot.json',
        `server/migrations/sqlite/${newMigration}`,
        'server/src/store/generated/database.ts',
        'shared/src/generated/types.ts',
        'shared/src/generated/validators.ts',
      ]);

      assert.match(after.get('shared/src/generated/types.ts')!, / {2}partnerReference: string \| null;/);
      assert.match(
        after.get('server/src/store/generated/database.ts')!,
        /interface DealRegistrationTable \{[^}]* {2}partner_reference: string \| null;\n\}/,
      );
      assert.match(
        after.get('shared/src/generated/validators.ts')!,
        / {2}partnerReference: z\.string\(\)\.max\(40, 'must be at most 40 characters'\)\.nullable\(\)\.optional\(\),/,
      );
      const field = after.get(
        'force-app/main/default/objects/Deal_Registration__c/fields/Partner_Reference__c.field-meta.xml',
      )!;
      assert.match(field, /<fullName>Partner_Reference__c<\/fullName>/);
      assert.match(field, /<length>40<\/length>/);
      assert.match(field, /<type>Text<\/type>/);
      assert.match(
        after.get('force-app/main/default/permissionsets/PRM_Partner_Rep.permissionset-meta.xml')!,
        /<editable>true<\/editable>\s*<field>Deal_Registration__c\.Partner_Reference__c<\/field>/,
      );
      assert.match(
        after.get('force-app/main/default/permissionsets/PRM_Sales_Rep.permissionset-meta.xml')!,
        /<editable>false<\/editable>\s*<field>Deal_Registration__c\.Partner_Reference__c<\/field>/,
      );
      const hubspot = JSON.parse(after.get('hubspot-app/schema/custom-objects/prm_deal_registration.json')!);
      assert.deepEqual(
        hubspot.properties.find((p: { name: string }) => p.name === 'partner_reference'),
        {
          name: 'partner_reference',
          label: 'Partner reference',
          type: 'string',
          fieldType: 'text',
          groupName: 'prm_deal_registration',
          description: "The partner's own deal number.",
          displayOrder: Object.keys(withNewField.find((o) => o.name === 'dealRegistration')!.fields).length,
          hasUniqueValue: false,
        },
      );
      const table = JSON.parse(after.get('dynamics-app/schema/tables/prm_dealregistration.json')!);
      const column = table.Attributes.find((a: { SchemaName: string }) => a.SchemaName === 'prm_PartnerReference');
      assert.equal(column.MaxLength, 40);
      assert.equal(column['@odata.type'], 'Microsoft.Dynamics.CRM.StringAttributeMetadata');
      assert.match(
        after.get(`server/migrations/sqlite/${newMigration}`)!,
        /alter table "deal_registration" add column "partner_reference" text;/,
      );
      assert.match(
        after.get(`server/migrations/postgres/${newMigration}`)!,
        /alter table "deal_registration" add column "partner_reference" varchar\(40\);/,
      );

      // The new migration applies on top of the earlier ones in a real SQLite database.
      const db = new Database(':memory:');
      const sqliteMigrations = [...after.keys()].filter((path) => path.startsWith('server/migrations/sqlite/')).sort();
      assert.equal(sqliteMigrations.at(-1), `server/migrations/sqlite/${newMigration}`);
      for (const path of sqliteMigrations) db.exec(after.get(path)!);
      const columns = db.prepare("select name from pragma_table_info('deal_registration')").all() as Array<{
        name: string;
      }>;
      assert.ok(columns.some((c) => c.name === 'partner_reference'));
      db.close();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('is caught by the drift check until npm run generate has been run', () => {
    const drift = findDrift(generateAll(withNewField, repoRoot), repoRoot);
    assert.deepEqual(drift.missing.sort(), [
      'force-app/main/default/objects/Deal_Registration__c/fields/Partner_Reference__c.field-meta.xml',
      `server/migrations/postgres/${newMigration}`,
      `server/migrations/sqlite/${newMigration}`,
    ]);
    assert.equal(drift.changed.length, 11);
    assert.deepEqual(drift.stale, []);
  });

  it('the committed files match the schema as it is', () => {
    assert.deepEqual(findDrift(generateAll(prmObjects, repoRoot), repoRoot), { missing: [], changed: [], stale: [] });
  });
});
