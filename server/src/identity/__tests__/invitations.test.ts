/**
 * Invitations: a SCIM-provisioned user has no password, so cannot sign in, until they open the
 * single-use, expiring link a channel admin was shown (or SCIM answered) and choose one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';
import { acceptInvitation } from '../invitations.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const prm = 'urn:prm:params:scim:schemas:extension:prm:2.0:User';
const dialects = process.env.DATABASE_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

for (const dialect of dialects) {
  describe(`invitations (${dialect})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(dialect);
    });
    after(() => h.close());

    const provision = async (email: string) => {
      const response = await fetch(`${h.base}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.channelAdmin}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
          userName: email,
          name: { givenName: 'Ivy', familyName: 'Invited' },
          emails: [{ primary: true, value: email }],
          active: true,
          [enterprise]: { organization: h.records.A.get('partner') },
        }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as Record<string, any>;
    };
    const login = (email: string, password: string) => h.callAs(null, 'POST', '/api/auth/login', { email, password });
    const tokenOf = (url: string) => decodeURIComponent(new URL(url).hash.slice(1));

    it('a user SCIM creates cannot sign in until they set a password through the invitation SCIM answered', async () => {
      const user = await provision('ivy@partner-a.example');
      const invitation = user[prm].invitation;
      assert.match(invitation.url, new RegExp(`^${h.base}/invitation#prmi_`));
      assert.ok(Date.parse(invitation.expiresAt) > Date.parse('2026-12-02T10:00:00Z'), '7 days from now');
      assert.equal((await login('ivy@partner-a.example', 'a good long password')).status, 401);

      const short = await h.callAs(null, 'POST', '/api/invitations/accept', {
        token: tokenOf(invitation.url),
        password: 'short',
      });
      assert.equal(short.status, 422);
      assert.deepEqual(
        short.body.errors.map((error: { field: string }) => error.field),
        ['password'],
      );
      const accepted = await h.callAs(null, 'POST', '/api/invitations/accept', {
        token: tokenOf(invitation.url),
        password: 'a good long password',
      });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal(accepted.body.email, 'ivy@partner-a.example');
      assert.equal((await login('ivy@partner-a.example', 'a good long password')).status, 200);

      const again = await h.callAs(null, 'POST', '/api/invitations/accept', {
        token: tokenOf(invitation.url),
        password: 'another long password',
      });
      assert.equal(again.status, 422, 'single use');
      assert.equal(again.body.errors[0].field, 'token');
      assert.equal((await login('ivy@partner-a.example', 'another long password')).status, 401);

      const log = await h.call('channelAdmin', 'GET', `/api/audit-log?object=user&recordId=${user.id}`);
      assert.deepEqual(log.body.data.map((entry: { action: string }) => entry.action).reverse(), [
        'create',
        'invite',
        'invitation_accept',
      ]);
      const text = JSON.stringify(log.body);
      assert.ok(!text.includes(tokenOf(invitation.url)) && !/hash|argon/i.test(text), 'no token or hash in the log');
    });

    it('only a channel admin invites; a new invitation replaces the old one; an expired one is refused', async () => {
      const user = await provision('ray@partner-a.example');
      const path = `/api/users/${user.id}/invitation`;
      assert.equal((await h.call('partnerAdmin', 'POST', path, {})).status, 403);
      assert.equal((await h.call('channelAdmin', 'POST', '/api/users/no-such-user/invitation', {})).status, 404);
      const first = await h.call('channelAdmin', 'POST', path, {});
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.headers.get('cache-control'), 'no-store');
      const second = await h.call('channelAdmin', 'POST', path, {});
      const replaced = await h.callAs(null, 'POST', '/api/invitations/accept', {
        token: first.body.token,
        password: 'a good long password',
      });
      assert.equal(replaced.status, 422, 'the SCIM one and the first were replaced');
      const eightDaysOn = new Date('2026-12-04T10:00:01Z');
      await assert.rejects(
        h.store.transaction((tx) =>
          acceptInvitation(tx, eightDaysOn, { token: second.body.token, password: 'a good long password' }),
        ),
        (error: Error & { problems?: { field: string }[] }) => error.problems?.[0].field === 'token',
      );
      const accepted = await h.callAs(null, 'POST', '/api/invitations/accept', {
        token: second.body.token,
        password: 'a good long password',
      });
      assert.equal(accepted.status, 200, 'still valid within its seven days');
    });

    it('serves the page that takes the token from the link, built without innerHTML', async () => {
      const page = await h.callAs(null, 'GET', '/invitation');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(page.body, /<form id="invitation">/);
      const script = await h.callAs(null, 'GET', '/invitation/page.js');
      assert.equal(script.status, 200);
      assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(script.body));
      assert.match(script.body, /textContent/);
      // Styles come from the server's own origin, as its Content-Security-Policy (style-src 'self') allows.
      assert.match(page.body, /<link rel="stylesheet" href="\/invitation\/page\.css">/);
      assert.ok(!/<style|style=/.test(page.body), 'no inline styles, which the policy would block');
      const stylesheet = await h.callAs(null, 'GET', '/invitation/page.css');
      assert.equal(stylesheet.status, 200);
      assert.match(stylesheet.headers.get('content-type')!, /^text\/css/);
    });
  });
}
