import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateHubspot } from '../hubspot.ts';
import { formatProblem } from '../problems.ts';
import { scratchCopy } from './fixture.ts';

const companies = 'schema/properties/companies.json';
const registration = 'schema/custom-objects/prm_deal_registration.json';

async function problemsAfter(change: (copy: ReturnType<typeof scratchCopy>) => void): Promise<string[]> {
  const copy = scratchCopy('hubspot-app');
  try {
    change(copy);
    return (await validateHubspot(copy.dir)).map(formatProblem);
  } finally {
    copy.cleanup();
  }
}

const editJson = (copy: ReturnType<typeof scratchCopy>, path: string, change: (value: any) => void) =>
  copy.edit(path, (text) => {
    const value = JSON.parse(text);
    change(value);
    return JSON.stringify(value, null, 2);
  });

describe('HubSpot validation', () => {
  it('accepts the generated project', async () => {
    assert.deepEqual(await problemsAfter(() => {}), []);
  });

  it('rejects invalid JSON that the parsing library would silently drop', async () => {
    const problems = await problemsAfter((c) => c.edit(companies, (x) => x.replace('"name"', 'name')));
    assert.ok(
      problems.some((p) => p.startsWith(`${companies}: is not valid JSON:`)),
      problems.join('\n'),
    );
  });

  it('rejects a metafile without a uid', async () => {
    const problems = await problemsAfter((c) =>
      c.edit('src/app/app-hsmeta.json', (x) => x.replace('"uid": "prm_inside_the_crm",', '')),
    );
    assert.ok(
      problems.includes('src/app/app-hsmeta.json: needs a uid of letters, digits, _ . or - (at most 64 characters)'),
      problems.join('\n'),
    );
  });

  it('rejects a project that does not parse (two components with one uid)', async () => {
    const problems = await problemsAfter((c) => {
      mkdirSync(join(c.dir, 'src/app/settings'), { recursive: true });
      c.write(
        'src/app/settings/settings-hsmeta.json',
        JSON.stringify({
          uid: 'prm_inside_the_crm',
          type: 'settings',
          config: { entrypoint: '/app/settings/Settings.tsx' },
        }),
      );
    });
    assert.ok(
      problems.some((p) =>
        p.startsWith('hsproject.json: the project does not parse with @hubspot/project-parsing-lib:'),
      ),
      problems.join('\n'),
    );
  });

  it('reports a metafile HubSpot skips because it is in the wrong folder', async () => {
    const problems = await problemsAfter((c) => {
      mkdirSync(join(c.dir, 'src/app/widgets'), { recursive: true });
      c.write(
        'src/app/widgets/deal-card-hsmeta.json',
        JSON.stringify({
          uid: 'deal_card',
          type: 'card',
          config: {
            name: 'Deal card',
            location: 'crm.record.tab',
            entrypoint: '/app/cards/DealCard.tsx',
            objectTypes: ['deals'],
          },
        }),
      );
    });
    assert.ok(
      problems.some((p) => p.startsWith('hsproject.json: HubSpot skipped a metafile')),
      problems.join('\n'),
    );
  });

  it('rejects a property name HubSpot does not accept', async () => {
    const problems = await problemsAfter((c) =>
      editJson(c, companies, (list) => {
        list[0].name = 'Prm Partner Type';
      }),
    );
    assert.ok(
      problems.includes(
        `${companies}: property "Prm Partner Type": names are lower-case letters, digits and underscores, starting with a letter`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a property type HubSpot does not have', async () => {
    const problems = await problemsAfter((c) =>
      editJson(c, companies, (list) => {
        list[0].type = 'picklist';
      }),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith(`${companies}: property "${'prm_partner_type'}": type "picklist" is not a HubSpot property type`),
      ),
      problems.join('\n'),
    );
  });

  it('rejects a field type that does not go with the property type', async () => {
    const problems = await problemsAfter((c) =>
      editJson(c, companies, (list) => {
        list[0].fieldType = 'textarea';
      }),
    );
    assert.ok(
      problems.includes(
        `${companies}: property "prm_partner_type": fieldType "textarea" is not allowed for type "enumeration" (allowed: select, radio, checkbox, booleancheckbox, calculation_equation)`,
      ),
      problems.join('\n'),
    );
  });

  it('rejects a custom object whose required property does not exist', async () => {
    const problems = await problemsAfter((c) =>
      editJson(c, registration, (schema) => {
        schema.requiredProperties.push('customer');
      }),
    );
    assert.ok(
      problems.includes(`${registration}: requiredProperties names "customer", which is not one of its properties`),
      problems.join('\n'),
    );
  });
});
