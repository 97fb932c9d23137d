import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapClaims, type ClaimMapping } from '../claims.ts';
import { oidcSettings } from '../oidc.ts';

const mapping: ClaimMapping = {
  roleClaim: 'prm_role',
  partnerClaim: 'prm_partner',
  groupsClaim: 'groups',
  groupRoles: { 'PRM Partner Admins': 'partnerAdmin', 'Channel Team': 'channelManager' },
};
const partners: Record<string, string> = { 'partner-1': 'partner-1', 'CRM-001': 'partner-1' };
const lookup = (claimed: string) => partners[claimed] ?? null;
const person = { sub: 's1', email: 'Pat@Partner.example', email_verified: true, name: 'Pat' };

describe('mapping identity provider claims to a PRM user', () => {
  it('maps a partner rep to their partner by id or by CRM id', () => {
    assert.deepEqual(mapClaims({ ...person, prm_role: 'partnerRep', prm_partner: 'CRM-001' }, mapping, lookup), {
      ok: true,
      email: 'pat@partner.example',
      name: 'Pat',
      role: 'partnerRep',
      partnerId: 'partner-1',
    });
  });

  it('takes the role from a group when the role claim is absent, and refuses two roles from two groups', () => {
    const fromGroup = mapClaims({ ...person, groups: ['Everyone', 'Channel Team'] }, mapping, lookup);
    assert.equal(fromGroup.ok && fromGroup.role, 'channelManager');
    const ambiguous = mapClaims(
      { ...person, groups: ['Channel Team', 'PRM Partner Admins'], prm_partner: 'partner-1' },
      mapping,
      lookup,
    );
    assert.deepEqual([ambiguous.ok, !ambiguous.ok && ambiguous.claim], [false, 'groups']);
  });

  it('refuses an unknown role, naming the claim and the roles allowed', () => {
    const refused = mapClaims({ ...person, prm_role: 'overlord' }, mapping, lookup);
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.claim === 'prm_role' && /overlord.*channelAdmin/.test(refused.message));
    const none = mapClaims({ ...person }, mapping, lookup);
    assert.ok(!none.ok && /sent no prm_role claim/.test(none.message));
  });

  it('refuses a partner role without a known partner, and a vendor role with one', () => {
    const missing = mapClaims({ ...person, prm_role: 'partnerAdmin' }, mapping, lookup);
    assert.ok(!missing.ok && missing.claim === 'prm_partner' && /missing/.test(missing.message));
    const unknown = mapClaims({ ...person, prm_role: 'partnerAdmin', prm_partner: 'nope' }, mapping, lookup);
    assert.ok(!unknown.ok && /"nope", which is neither/.test(unknown.message));
    const vendor = mapClaims({ ...person, prm_role: 'salesRep', prm_partner: 'partner-1' }, mapping, lookup);
    assert.ok(!vendor.ok && vendor.claim === 'prm_partner' && /works for the vendor/.test(vendor.message));
  });

  it('requires an email, and a verified one', () => {
    const noEmail = mapClaims({ sub: 's1', prm_role: 'salesRep' }, mapping, lookup);
    assert.ok(!noEmail.ok && noEmail.claim === 'email');
    for (const verified of [false, 'true', undefined]) {
      const unverified = mapClaims({ ...person, email_verified: verified, prm_role: 'salesRep' }, mapping, lookup);
      assert.ok(!unverified.ok && unverified.claim === 'email_verified', String(verified));
    }
  });

  it('reads its settings from the environment, and is off until all of them are there', () => {
    assert.equal(oidcSettings({ PRM_OIDC_ISSUER: 'https://id.example' }), null);
    const settings = oidcSettings({
      PRM_OIDC_ISSUER: 'https://id.example',
      PRM_OIDC_CLIENT_ID: 'prm',
      PRM_OIDC_REDIRECT_URI: 'https://prm.example/api/auth/oidc/callback',
      PRM_OIDC_GROUPS_CLAIM: 'groups',
      PRM_OIDC_GROUP_ROLES: 'PRM Partner Reps=partnerRep; Channel=channelManager',
    })!;
    assert.deepEqual(settings.mapping.groupRoles, { 'PRM Partner Reps': 'partnerRep', Channel: 'channelManager' });
    assert.equal(settings.allowHttpLoopback, false);
    assert.throws(
      () =>
        oidcSettings({
          PRM_OIDC_ISSUER: 'x',
          PRM_OIDC_CLIENT_ID: 'y',
          PRM_OIDC_REDIRECT_URI: 'z',
          PRM_OIDC_GROUP_ROLES: 'A=boss',
        }),
      /"boss", which is not one of/,
    );
  });
});
