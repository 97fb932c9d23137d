/**
 * Single sign-on by OpenID Connect (authorization code flow with PKCE, state and nonce), built on
 * openid-client. GET /api/auth/oidc/login sends the browser to the identity provider; the provider
 * sends it back to /api/auth/oidc/callback, where the claims become a PRM user and a normal session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { roles, type Role } from '@prm/core/schema/roles';
import { createUser, sessionCookie, startSession } from '../auth/identity.ts';
import type { Actor } from '../auth/policy.ts';
import type { Tx } from '../store/repository.ts';
import { auditUser, userView } from './userAudit.ts';
import type { Doors } from '../http/doors.ts';
import { mapClaims, type ClaimMapping } from './claims.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  mapping: ClaimMapping;
  /** Only for tests against a provider on loopback over plain HTTP (PRM_OIDC_ALLOW_HTTP_LOOPBACK=1). */
  allowHttpLoopback: boolean;
}

const loginCookie = 'prm_oidc';
const loginMinutes = 10;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Groups claim mapping from PRM_OIDC_GROUP_ROLES: `Group A=partnerRep;Group B=channelManager`. */
function groupRoles(text: string | undefined): Record<string, Role> {
  const mapped: Record<string, Role> = {};
  for (const pair of (text ?? '').split(';')) {
    const at = pair.lastIndexOf('=');
    if (at < 1) continue;
    const role = pair.slice(at + 1).trim();
    if (!(roles as readonly string[]).includes(role))
      throw new Error(
        `PRM_OIDC_GROUP_ROLES maps "${pair.slice(0, at)}" to "${role}", which is not one of: ${roles.join(', ')}`,
      );
    mapped[pair.slice(0, at).trim()] = role as Role;
  }
  return mapped;
}

/** The settings from the environment, or null when single sign-on is not configured. Read per request, so no restart is needed to turn it on in tests. */
export function oidcSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  const { PRM_OIDC_ISSUER, PRM_OIDC_CLIENT_ID, PRM_OIDC_CLIENT_SECRET, PRM_OIDC_REDIRECT_URI } = env;
  if (!PRM_OIDC_ISSUER || !PRM_OIDC_CLIENT_ID || !PRM_OIDC_REDIRECT_URI) return null;
  return {
    issuer: PRM_OIDC_ISSUER,
    clientId: PRM_OIDC_CLIENT_ID,
    clientSecret: PRM_OIDC_CLIENT_SECRET ?? '',
    redirectUri: PRM_OIDC_REDIRECT_URI,
    scope: env.PRM_OIDC_SCOPES ?? 'openid email profile',
    mapping: {
      roleClaim: env.PRM_OIDC_ROLE_CLAIM ?? 'prm_role',
      partnerClaim: env.PRM_OIDC_PARTNER_CLAIM ?? 'prm_partner',
      groupsClaim: env.PRM_OIDC_GROUPS_CLAIM || undefined,
      groupRoles: groupRoles(env.PRM_OIDC_GROUP_ROLES),
    },
    allowHttpLoopback: env.PRM_OIDC_ALLOW_HTTP_LOOPBACK === '1',
  };
}

/** Whether single sign-on is configured at all (the root page shows its link then). */
export const oidcConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.PRM_OIDC_ISSUER && env.PRM_OIDC_CLIENT_ID && env.PRM_OIDC_REDIRECT_URI);

/** The settings, or the refusal page's reason when they are missing or wrong. */
function settingsOrReason(): OidcSettings | string {
  try {
    return (
      oidcSettings() ??
      'Set PRM_OIDC_ISSUER, PRM_OIDC_CLIENT_ID, PRM_OIDC_CLIENT_SECRET and PRM_OIDC_REDIRECT_URI, then restart.'
    );
  } catch (error) {
    return (error as Error).message;
  }
}

const discovered = new Map<string, Promise<oidc.Configuration>>();

function providerConfiguration(settings: OidcSettings): Promise<oidc.Configuration> {
  const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret, settings.allowHttpLoopback]);
  let found = discovered.get(key);
  if (!found) {
    const issuer = new URL(settings.issuer);
    // Plain HTTP is refused by openid-client; it is allowed only when asked for AND the provider is on
    // this machine, which is what a test provider is and a real one never is.
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    const execute = settings.allowHttpLoopback && loopback ? [oidc.allowInsecureRequests] : [];
    found = oidc.discovery(issuer, settings.clientId, settings.clientSecret || undefined, undefined, { execute });
    // A failed discovery is forgotten, so the next sign-in tries again.
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** A plain page saying what went wrong and what to fix; never a stack. */
function refusalPage(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body><h1>${escapeHtml(title)}</h1>\n<p id="reason">${escapeHtml(detail)}</p>\n<p><a href="/api/auth/oidc/login">Try again</a> · <a href="/">Home</a></p></body></html>`,
    );
}

/** The PRM user for a verified sign-in: found by subject, else linked by email, else created. */
async function userForSignIn(
  tx: Tx,
  now: Date,
  subject: string,
  mapped: { email: string; name: string; role: Role; partnerId: string | null },
): Promise<Actor | string> {
  const bySubject = await tx.db
    .selectFrom('app_user')
    .selectAll()
    .where('external_id', '=', subject)
    .executeTakeFirst();
  const byEmail = bySubject
    ? undefined
    : await tx.db.selectFrom('app_user').selectAll().where('email', '=', mapped.email).executeTakeFirst();
  const existing = bySubject ?? byEmail;
  if (!existing) {
    const created = await createUser(tx, now, { ...mapped, externalId: subject });
    // The person signing in is the one who causes it: the entry names them.
    await auditUser(tx, now, created, created.userId, 'sso_create', null);
    return created;
  }
  if (!existing.active) return `The PRM user ${existing.email} is deactivated; ask a channel admin to reactivate it.`;
  if (byEmail && byEmail.external_id && byEmail.external_id !== subject)
    return `The PRM user ${byEmail.email} is already linked to another single sign-on account; ask a channel admin to check it.`;
  if (existing.email !== mapped.email) {
    const taken = await tx.db.selectFrom('app_user').select('id').where('email', '=', mapped.email).executeTakeFirst();
    if (taken)
      return `The identity provider now gives ${existing.email} the email ${mapped.email}, which another PRM user has; ask a channel admin to resolve it.`;
  }
  // The identity provider is the source of truth for who the person is: role and partner follow it.
  const before = await userView(tx, existing.id);
  await tx.db
    .updateTable('app_user')
    .set({
      email: mapped.email,
      name: mapped.name,
      role: mapped.role,
      partner_id: mapped.partnerId,
      external_id: subject,
      updated_at: now.toISOString(),
    })
    .where('id', '=', existing.id)
    .execute();
  const signedIn = { userId: existing.id, ...mapped };
  await auditUser(tx, now, signedIn, existing.id, bySubject ? 'sso_update' : 'sso_link', before);
  return signedIn;
}

export async function registerOidcRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  app.get('/api/auth/oidc/login', async (_request, reply) => {
    const settings = settingsOrReason();
    if (typeof settings === 'string') return refusalPage(reply, 404, 'Single sign-on is not configured', settings);
    let configuration: oidc.Configuration;
    try {
      configuration = await providerConfiguration(settings);
    } catch (error) {
      return refusalPage(
        reply,
        502,
        'The identity provider cannot be reached',
        `Discovery at ${settings.issuer} failed: ${(error as Error).message}. Check PRM_OIDC_ISSUER.`,
      );
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const attempt = randomBytes(32).toString('base64url');
    const now = doors.now();
    await doors.inTransaction(async (tx) => {
      // Old attempts are swept here, so the table never grows without a job of its own.
      await tx.db.deleteFrom('oidc_login').where('expires_at', '<', now.toISOString()).execute();
      await tx.db
        .insertInto('oidc_login')
        .values({
          id_hash: sha256(attempt),
          state,
          nonce,
          code_verifier: doors.secrets().seal(codeVerifier),
          expires_at: new Date(now.getTime() + loginMinutes * 60_000).toISOString(),
          created_at: now.toISOString(),
        })
        .execute();
    });
    // SameSite=Lax, not Strict: the provider's redirect back is a cross-site navigation, on which a
    // Strict cookie is not sent.
    reply.setCookie(loginCookie, attempt, {
      httpOnly: true,
      secure: settings.redirectUri.startsWith('https:'),
      sameSite: 'lax',
      path: '/api/auth/oidc',
      maxAge: loginMinutes * 60,
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUri,
      scope: settings.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return reply.redirect(url.href, 302);
  });

  app.get('/api/auth/oidc/callback', async (request: FastifyRequest, reply) => {
    const settings = settingsOrReason();
    if (typeof settings === 'string') return refusalPage(reply, 404, 'Single sign-on is not configured', settings);
    const query = request.query as Record<string, string>;
    reply.clearCookie(loginCookie, { path: '/api/auth/oidc' });
    if (query.error)
      return refusalPage(
        reply,
        401,
        'The identity provider refused the sign-in',
        `${query.error}: ${query.error_description ?? 'no description'}.`,
      );
    const attempt = request.cookies[loginCookie];
    const now = doors.now();
    const record = attempt
      ? await doors.inTransaction(async (tx) => {
          const row = await tx.db
            .selectFrom('oidc_login')
            .selectAll()
            .where('id_hash', '=', sha256(attempt))
            .executeTakeFirst();
          // One use only: a replayed callback finds nothing.
          if (row) await tx.db.deleteFrom('oidc_login').where('id_hash', '=', sha256(attempt)).execute();
          return row;
        })
      : undefined;
    if (!record || new Date(record.expires_at) <= now)
      return refusalPage(
        reply,
        400,
        'The sign-in expired',
        `Start again from /api/auth/oidc/login; a sign-in must finish within ${loginMinutes} minutes in the same browser.`,
      );
    let claims: Record<string, unknown>;
    try {
      const configuration = await providerConfiguration(settings);
      const current = new URL(settings.redirectUri);
      current.search = new URL(request.url, 'http://callback.invalid').search;
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: doors.secrets().open(String(record.code_verifier)),
        expectedState: String(record.state),
        expectedNonce: String(record.nonce),
        idTokenExpected: true,
      });
      const idClaims = tokens.claims()!;
      claims = { ...idClaims };
      // Providers that follow the spec strictly put profile claims only in userinfo, not in the ID token.
      if (configuration.serverMetadata().userinfo_endpoint)
        claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)), ...idClaims };
    } catch (error) {
      return refusalPage(
        reply,
        401,
        'The sign-in could not be verified',
        `${(error as Error).message}. Start again from /api/auth/oidc/login.`,
      );
    }
    const subject = `oidc:${settings.issuer}|${String(claims.sub)}`;
    const outcome = await doors.inTransaction(async (tx) => {
      const partnerValue = claims[settings.mapping.partnerClaim];
      const partner =
        typeof partnerValue === 'string' && partnerValue
          ? await tx.db
              .selectFrom('partner')
              .select('id')
              .where((eb) => eb.or([eb('id', '=', partnerValue), eb('crm_id', '=', partnerValue)]))
              .executeTakeFirst()
          : undefined;
      const mapped = mapClaims(claims, settings.mapping, () => (partner ? String(partner.id) : null));
      if (!mapped.ok) return `${mapped.message}`;
      const { ok: _ok, ...person } = mapped;
      const actor = await userForSignIn(tx, now, subject, person);
      if (typeof actor === 'string') return actor;
      return { actor, session: await startSession(tx, now, actor) };
    });
    if (typeof outcome === 'string') return refusalPage(reply, 403, 'You cannot sign in to the PRM', outcome);
    reply.setCookie(sessionCookie, outcome.session.id, {
      httpOnly: true,
      secure: settings.redirectUri.startsWith('https:'),
      sameSite: 'strict',
      path: '/',
      expires: outcome.session.expiresAt,
    });
    return reply.redirect('/', 302);
  });
}
