/**
 * A program that gates registration on certification reads the partner's certifications from the
 * store (actions/deals.ts, certificationsOf) through the row mapping: an active one lets the partner
 * register, an expired one does not, on both stores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { createApiToken, createUser } from '../../auth/identity.ts';

const deal = (customerName: string, customerDomain: string) => ({
  customerName,
  customerDomain,
  customerCountry: 'DE',
  opportunityName: `${customerName} rollout`,
  currency: 'USD',
  amount: 1_000_000,
  expectedCloseOn: '2027-03-31',
  product: 'Security Suite',
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`registration gated on a current certification (${dialect})`, () => {
    let h: Harness;
    let partner: string;
    let contact: string;
    let token: string;
    const create = async (path: string, body: Record<string, unknown>) => {
      const response = await h.call('channelAdmin', 'POST', path, body);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    };
    const certify = (earnedOn: string, expiresOn: string) =>
      create('/api/certifications', {
        name: 'Security Associate',
        partner,
        partnerContact: contact,
        earnedOn,
        expiresOn,
      });
    const register = (customer: string) =>
      h.callAs(token, 'POST', '/api/deal-registrations/register', deal(customer, `${customer.toLowerCase()}.example`));

    before(async () => {
      h = await startHarness(dialect);
      const program = await create('/api/programs', {
        name: 'Certified program',
        currency: 'USD',
        registrationRequiresCertification: true,
      });
      const tier = await create('/api/tiers', { name: 'Silver', program: program.id, rank: 1, currency: 'USD' });
      partner = (
        await create('/api/partners', { name: 'Gated GmbH', program: program.id, tier: tier.id, status: 'active' })
      ).id;
      contact = (await create('/api/partner-contacts', { name: 'Greta Gated', partner })).id;
      const tx = { db: h.store.db, dialect: h.store.dialect };
      const at = new Date('2026-11-26T10:00:00Z');
      const rep = await createUser(tx, at, {
        email: 'rep@gated.example',
        name: 'Gated Rep',
        role: 'partnerRep',
        partnerId: partner,
      });
      token = (await createApiToken(tx, at, rep, 'test')).token;
    });
    after(() => h.close());

    it('refuses a partner without a certification', async () => {
      const response = await register('Nocert');
      assert.equal(response.status, 409, JSON.stringify(response.body));
      assert.match(response.body.detail, /current certification/);
    });

    it('refuses a partner whose only certification has expired', async () => {
      await certify('2024-01-10', '2025-01-10');
      const response = await register('Expired');
      assert.equal(response.status, 409, JSON.stringify(response.body));
    });

    it('registers for a partner holding an active certification', async () => {
      await certify('2026-10-01', '2027-10-01');
      const response = await register('Certified');
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.conflict.verdict, 'none');
    });
  });
}
