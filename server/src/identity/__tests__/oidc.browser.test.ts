/**
 * Single sign-on round trip in headless Chromium against a real OpenID provider (oidc-provider)
 * started here on loopback, with its development login and consent pages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
// @ts-expect-error oidc-provider ships no type declarations, and no @types package is installed.
import Provider from 'oidc-provider';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

for (const dialect of ['sqlite', 'postgres'] as const)
  describe(`single sign-on by OpenID Connect in a real browser, on ${dialect}`, () => {
    let h: Harness;
    let providerServer: Server;
    let browser: Browser;
    const saved = { ...process.env };

    before(async () => {
      // The real clock: the browser drops a cookie whose expiry is already past by its own clock.
      h = await startHarness(dialect, () => new Date());
      const partnerA = h.records.A.get('partner')!;
      // The provider's people, keyed by the login typed into its development login form.
      const accounts: Record<string, Record<string, unknown>> = {
        'pat.partner': {
          email: 'pat@partner-a.example',
          email_verified: true,
          name: 'Pat Partner',
          prm_role: 'partnerRep',
          prm_partner: partnerA,
        },
        'odd.role': {
          email: 'odd@partner-a.example',
          email_verified: true,
          name: 'Odd Role',
          prm_role: 'overlord',
          prm_partner: partnerA,
        },
      };
      providerServer = createServer();
      await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
      const port = (providerServer.address() as { port: number }).port;
      // "localhost" for the provider and 127.0.0.1 for the PRM make the redirect back a cross-site
      // navigation, as it is in real life: the login cookie must survive it (SameSite=Lax).
      const issuer = `http://localhost:${port}`;
      const clientSecret = randomBytes(24).toString('base64url');
      const redirectUri = `${h.base}/api/auth/oidc/callback`;
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: 'prm',
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            response_types: ['code'],
            grant_types: ['authorization_code'],
          },
        ],
        scopes: ['openid', 'email', 'profile', 'prm'],
        claims: {
          openid: ['sub'],
          email: ['email', 'email_verified'],
          profile: ['name'],
          prm: ['prm_role', 'prm_partner'],
        },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        findAccount: async (_ctx: unknown, id: string) =>
          accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined,
      });
      providerServer.on('request', provider.callback());
      Object.assign(process.env, {
        PRM_OIDC_ISSUER: issuer,
        PRM_OIDC_CLIENT_ID: 'prm',
        PRM_OIDC_CLIENT_SECRET: clientSecret,
        PRM_OIDC_REDIRECT_URI: redirectUri,
        PRM_OIDC_SCOPES: 'openid email profile prm',
        PRM_OIDC_ALLOW_HTTP_LOOPBACK: '1',
      });
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
        ],
      });
    });

    after(async () => {
      await browser?.close();
      await new Promise((resolve) => providerServer?.close(resolve));
      await h?.close();
      for (const key of Object.keys(process.env))
        if (key.startsWith('PRM_OIDC_') && !(key in saved)) delete process.env[key];
    });

    const signInAs = async (login: string) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${h.base}/api/auth/oidc/login`);
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'any password');
      await page.click('button[type=submit]');
      await page.click('button:has-text("Continue")');
      await page.waitForURL((url) => url.origin === h.base);
      return { context, page };
    };

    it('signs a partner rep in with the role and partner from the claims, seeing only their own partner', async () => {
      const { context, page } = await signInAs('pat.partner');
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.locator('a[href="/api/auth/oidc/login"]').textContent(), 'Sign in with SSO');
      const me = await context.request.get(`${h.base}/api/auth/me`);
      assert.equal(me.status(), 200);
      const { user } = await me.json();
      assert.deepEqual(
        [user.email, user.role, user.partnerId],
        ['pat@partner-a.example', 'partnerRep', h.records.A.get('partner')],
      );
      const own = await context.request.get(`${h.base}/api/partners/${h.records.A.get('partner')}`);
      assert.equal(own.status(), 200);
      const other = await context.request.get(`${h.base}/api/partners/${h.records.B.get('partner')}`);
      assert.ok([403, 404].includes(other.status()), `partner B answered ${other.status()}`);
      const list = await context.request.get(`${h.base}/api/partners`);
      assert.deepEqual(
        (await list.json()).data.map((partner: { id: string }) => partner.id),
        [h.records.A.get('partner')],
      );
      // The second sign-in finds the same user by subject rather than creating another.
      await context.close();
      const again = await signInAs('pat.partner');
      const second = (await (await again.context.request.get(`${h.base}/api/auth/me`)).json()).user;
      assert.equal(second.userId, user.userId);
      await again.context.close();
      // The first sign-in created the user: in the audit log (and so as an event), without a secret.
      const log = await h.call('channelAdmin', 'GET', `/api/audit-log?object=user&recordId=${user.userId}`);
      assert.deepEqual(
        log.body.data.map((entry: { action: string }) => entry.action),
        ['sso_create'],
        'a second sign-in that changes nothing writes no entry',
      );
      assert.equal(log.body.data[0].after.singleSignOn, true);
      assert.ok(!/password|hash|token/i.test(JSON.stringify(log.body)));
    });

    it('refuses an unknown role with a page that says what to fix, and no session', async () => {
      const { context, page } = await signInAs('odd.role');
      assert.equal(await page.locator('h1').textContent(), 'You cannot sign in to the PRM');
      assert.match((await page.locator('#reason').textContent())!, /prm_role is "overlord", which is not a PRM role/);
      assert.equal((await context.request.get(`${h.base}/api/auth/me`)).status(), 401);
      await context.close();
    });

    it('refuses a callback that does not come from a sign-in this browser started', async () => {
      const answer = await fetch(`${h.base}/api/auth/oidc/callback?code=stolen&state=guessed`);
      assert.equal(answer.status, 400);
      assert.match(await answer.text(), /The sign-in expired/);
    });
  });
