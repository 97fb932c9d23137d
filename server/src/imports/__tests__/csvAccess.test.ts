/**
 * The CSV doors' authorization matrix, generated from the schema: every role against the import and the
 * export of each of the six objects, as the policy says (a role without read gets 403 on export, a role
 * without create 403 on import), and nobody without signing in. Partner scoping of the rows themselves
 * is in csvApi.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { roles } from '@prm/core/schema/roles';
import { mayOperate, type Actor } from '../../auth/policy.ts';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

const sixObjects = ['partner', 'lead', 'dealRegistration', 'opportunity', 'salesOrder', 'invoice'];

describe('CSV import and export: every role, every object', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(() => h.close());

  const request = (token: string | null, method: string, path: string, body?: string) =>
    fetch(`${h.base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'text/csv' },
      body,
    });

  for (const name of sixObjects) {
    const object = objectNamed(prmObjects, name);
    const collection = restCollection(object);
    it(`${collection}: export and import as the policy allows each role`, async () => {
      let refused = 0;
      for (const role of roles) {
        const actor = { role, partnerId: role.startsWith('partner') ? 'p' : null } as unknown as Actor;
        const exported = await request(h.tokens[role], 'GET', `/api/exports/${collection}`);
        const text = await exported.text();
        if (mayOperate(actor, object, 'read')) {
          assert.equal(exported.status, 200, `${role} exports ${collection}: ${text.slice(0, 200)}`);
          const [header] = parse(text, { bom: true }) as string[][];
          assert.equal(header[0], 'id');
        } else assert.equal(exported.status, 403, `${role} may not export ${collection}`);
        // A file with only a header: nothing to write, so the answer is the access decision alone.
        const imported = await request(h.tokens[role], 'POST', `/api/imports/${collection}`, 'crmId\n');
        const answer = await imported.text();
        if (mayOperate(actor, object, 'create'))
          assert.equal(imported.status, 200, `${role} imports ${collection}: ${answer.slice(0, 200)}`);
        else {
          assert.equal(imported.status, 403, `${role} may not import ${collection}: ${answer.slice(0, 200)}`);
          refused++;
        }
      }
      assert.ok(refused > 0, `some role may not import ${collection}, and is refused`);
      assert.equal((await request(null, 'GET', `/api/exports/${collection}`)).status, 401);
      assert.equal((await request(null, 'POST', `/api/imports/${collection}`, 'crmId\n')).status, 401);
    });
  }

  it('keeps the metrics export from anyone not signed in', async () => {
    assert.equal((await request(null, 'GET', '/api/exports/metrics?from=2026-01&to=2026-03&grain=month')).status, 401);
  });
});
