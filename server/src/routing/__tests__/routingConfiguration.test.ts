/**
 * A routing rule that cannot route is refused where it is written (API and CSV import), naming its own
 * field; one broken later by a change it depends on (its tier renamed) is listed for the vendor, and a
 * partner who runs into it is told plainly, without the vendor's rules, ids or tiers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createApiToken, createUser } from '../../auth/identity.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`routing rules the program cannot route with (${dialect})`, () => {
    let h: Harness;
    let program: string;
    let gold: { id: string; version: number };
    const partnerTokens = new Map<string, string>();
    const create = async (path: string, body: Record<string, unknown>) => {
      const response = await h.call('channelAdmin', 'POST', path, body);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    };
    const rules = async () =>
      (await h.call('channelAdmin', 'GET', `/api/routing-rules?program=${program}&limit=200`)).body.data;

    before(async () => {
      h = await startHarness(dialect);
      program = (await create('/api/programs', { name: 'Routed program', currency: 'USD' })).id;
      gold = await create('/api/tiers', { name: 'Gold', program, rank: 3, currency: 'USD', leadWeight: 10 });
      for (const name of ['Berlin Gold GmbH', 'Hamburg Gold GmbH']) {
        const partner = await create('/api/partners', {
          name,
          program,
          tier: gold.id,
          status: 'active',
          country: 'DE',
        });
        const tx = { db: h.store.db, dialect: h.store.dialect };
        const user = await createUser(tx, new Date(), {
          email: `rep@${partner.id}.example`,
          name: `Rep of ${name}`,
          role: 'partnerRep',
          partnerId: partner.id,
        });
        partnerTokens.set(partner.id, (await createApiToken(tx, new Date(), user, 'test')).token);
      }
      await create('/api/routing-rules', {
        name: 'Gold and up',
        program,
        sequence: 1,
        condition: 'minimum_tier',
        operator: 'at_least',
        value: 'Gold',
        mode: 'required',
      });
    });
    after(() => h.close());

    it('refuses a rule naming a tier the program does not have, on create, update and CSV import', async () => {
      const before = await rules();
      const bad = {
        name: 'Tier two',
        program,
        sequence: 2,
        condition: 'minimum_tier',
        operator: 'at_least',
        mode: 'optional',
      };
      const created = await h.call('channelAdmin', 'POST', '/api/routing-rules', { ...bad, value: '2' });
      assert.equal(created.status, 422, JSON.stringify(created.body));
      assert.deepEqual(created.body.errors, [{ field: 'value', message: 'tier 2 is not in tiers (Gold)' }]);
      const wrongOperator = await h.call('channelAdmin', 'POST', '/api/routing-rules', {
        ...bad,
        value: 'Gold',
        operator: 'within_km',
      });
      assert.equal(wrongOperator.status, 422);
      assert.deepEqual(
        wrongOperator.body.errors.map((e: { field: string }) => e.field),
        ['operator'],
      );

      const [stored] = before;
      const patched = await h.call(
        'channelAdmin',
        'PATCH',
        `/api/routing-rules/${stored.id}`,
        { value: 'Platinum' },
        { 'if-match': `"${stored.version}"` },
      );
      assert.equal(patched.status, 422, JSON.stringify(patched.body));
      assert.deepEqual(patched.body.errors, [{ field: 'value', message: 'tier Platinum is not in tiers (Gold)' }]);

      const csv = `name,program,sequence,condition,operator,value,mode\nTier two,${program},2,minimum_tier,at_least,2,optional\n`;
      const imported = await h.call('channelAdmin', 'POST', '/api/imports/routing-rules', csv, {
        'content-type': 'text/csv',
      });
      assert.equal(imported.status, 422, JSON.stringify(imported.body));
      assert.deepEqual(imported.body.errors, [{ field: 'line 2, value', message: 'tier 2 is not in tiers (Gold)' }]);
      assert.deepEqual(await rules(), before, 'nothing was written');
    });

    it('lists a stored rule broken by a renamed tier, and tells a partner only that the set-up needs fixing', async () => {
      const lead = await create('/api/leads', { name: 'Contact at Siemens', company: 'Siemens', country: 'DE' });
      const routed = await h.call('channelManager', 'POST', `/api/leads/${lead.id}/route`, { program });
      assert.equal(routed.status, 200, JSON.stringify(routed.body));
      assert.deepEqual((await h.call('channelManager', 'GET', '/api/routing-rules/problems')).body, { problems: [] });

      const renamed = await h.call(
        'channelAdmin',
        'PATCH',
        `/api/tiers/${gold.id}`,
        { name: 'Gold Plus' },
        { 'if-match': `"${gold.version}"` },
      );
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      const [rule] = await rules();
      const listed = await h.call('channelManager', 'GET', '/api/routing-rules/problems');
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(listed.body.problems, [
        {
          program,
          routingRule: rule.id,
          name: 'Gold and up',
          field: 'value',
          message: 'tier Gold is not in tiers (Gold Plus)',
        },
      ]);
      assert.equal((await h.callAs([...partnerTokens.values()][0], 'GET', '/api/routing-rules/problems')).status, 403);

      const offers = (await h.call('channelAdmin', 'GET', `/api/lead-offers?lead=${lead.id}`)).body.data;
      const offer = offers.find((o: { status: string }) => o.status === 'offered');
      const declined = await h.callAs(
        partnerTokens.get(offer.partner)!,
        'POST',
        `/api/lead-offers/${offer.id}/decline`,
        {
          declineReason: 'no_capacity',
        },
      );
      assert.equal(declined.status, 409, JSON.stringify(declined.body));
      assert.equal(declined.body.type, '/problems/program-configuration');
      assert.equal(declined.body.errors, undefined);
      for (const secret of [rule.id, 'Gold and up', 'Gold Plus', 'tiers'])
        assert.ok(!JSON.stringify(declined.body).includes(secret), `the partner is not shown ${secret}`);
      const managerView = await h.call('channelManager', 'POST', `/api/lead-offers/${offer.id}/decline`, {
        declineReason: 'no_capacity',
      });
      assert.equal(managerView.status, 409, JSON.stringify(managerView.body));
      assert.deepEqual(managerView.body.errors, [
        { field: `routingRule Gold and up (${rule.id}).value`, message: 'tier Gold is not in tiers (Gold Plus)' },
      ]);
      const after = (await h.call('channelAdmin', 'GET', `/api/lead-offers/${offer.id}`)).body;
      assert.equal(after.status, 'offered', 'nothing was changed');
    });
  });
}
