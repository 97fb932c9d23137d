import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAuthors, startHarness, type Harness } from '../../http/__tests__/harness.ts';

const application = {
  companyName: 'Brightline Systems GmbH',
  website: 'https://brightline.example',
  country: 'DE',
  partnerType: 'system_integrator',
  contactName: 'Mia Wagner',
  contactEmail: 'mia@brightline.example',
  employees: 120,
  currency: 'USD',
  annualRevenue: 800_000_000,
  specialisations: 'security, cloud',
};

describe('onboarding over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('takes an application without sign-in, scores it, and tells the applicant only its number', async () => {
    const response = await h.call(null, 'POST', '/api/partner-applications/apply', application);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.headers.get('location'), `/api/partner-applications/${response.body.record.id}`);
    // What they sent and the application's number, never the score or the review.
    assert.deepEqual(
      Object.keys(response.body.record).sort(),
      ['createdAt', 'id', 'name', 'status', 'updatedAt', 'version', ...Object.keys(application)].sort(),
    );
    assert.match(response.body.record.name, /^APP-\d{6}$/);
    const stored = await h.call('channelManager', 'GET', `/api/partner-applications/${response.body.record.id}`);
    assert.equal(stored.body.status, 'submitted');
    assert.ok(stored.body.fitScore > 50, `fit score ${stored.body.fitScore}`);
    assert.deepEqual(
      await auditAuthors(h, [response.body.record.id]),
      [[response.body.record.id, 'create', 'system:public-form']],
      'no person sent it: the system did, for the public form',
    );
  });

  it('refuses an application that sets its own score or status, naming the fields', async () => {
    const response = await h.call(null, 'POST', '/api/partner-applications/apply', {
      ...application,
      fitScore: 100,
      status: 'accepted',
      contactEmail: 'nope',
    });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors.map((e: { field: string }) => e.field).sort(), [
      'contactEmail',
      'fitScore, status',
    ]);
  });

  it('reviews and accepts an application, creating the partner in onboarding', async () => {
    const applied = await h.call(null, 'POST', '/api/partner-applications/apply', {
      ...application,
      companyName: 'Northgate AB',
      country: 'SE',
    });
    const path = `/api/partner-applications/${applied.body.record.id}`;
    assert.equal(
      (await h.call('channelManager', 'POST', `${path}/decide`, { verdict: 'accept' })).status,
      409,
      'must be in review first',
    );
    assert.equal((await h.call('channelManager', 'POST', `${path}/start-review`, {})).status, 200);
    const rejected = await h.call('channelManager', 'POST', `${path}/decide`, { verdict: 'reject' });
    assert.equal(rejected.status, 422);
    assert.deepEqual(rejected.body.errors, [
      { field: 'reason', message: 'Tell the applicant why the application is rejected.' },
    ]);
    const accepted = await h.call('channelManager', 'POST', `${path}/decide`, { verdict: 'accept' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.record.status, 'accepted');
    const partner = await h.call('channelManager', 'GET', `/api/partners/${accepted.body.record.partner}`);
    assert.equal(partner.body.name, 'Northgate AB');
    assert.equal(partner.body.status, 'onboarding');
  });

  it('signs the agreement by typed name only for the version the signer read', async () => {
    const partner = h.records.A.get('partner');
    const created = await h.call('channelManager', 'POST', '/api/agreements', { partner, agreementVersion: '2026.2' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const path = `/api/agreements/${created.body.id}/sign`;
    const stale = await h.call('partnerAdmin', 'POST', path, { typedName: 'Pat Partner', versionShown: '2026.1' });
    assert.equal(stale.status, 422);
    assert.equal(stale.body.errors[0].field, 'versionShown', 'the field of the body, not the stored one');
    const unnamed = await h.call('partnerAdmin', 'POST', path, { typedName: 'P', versionShown: '2026.2' });
    assert.deepEqual(unnamed.body.errors, [{ field: 'typedName', message: 'Type your full name to sign.' }]);
    assert.equal(
      (await h.call('partnerRep', 'POST', path, { typedName: 'Pat Partner', versionShown: '2026.2' })).status,
      403,
    );
    const signed = await h.call('partnerAdmin', 'POST', path, {
      typedName: '  Pat   Partner ',
      versionShown: '2026.2',
    });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.record.status, 'signed');
    assert.equal(signed.body.record.signedByName, 'Pat Partner');
    assert.equal(signed.body.record.signedByEmail, 'partneradmin@example.com');
    assert.equal(signed.body.record.signedAt, '2026-11-26T10:00:00.000Z');
    assert.equal(
      (await h.call('partnerAdmin', 'POST', path, { typedName: 'Pat Partner', versionShown: '2026.2' })).status,
      409,
      'signed once',
    );
    const audit = await h.call('channelAdmin', 'GET', `/api/audit-log?recordId=${created.body.id}`);
    assert.deepEqual(
      audit.body.data.map((e: { action: string }) => e.action),
      ['sign', 'create'],
    );
  });
});
