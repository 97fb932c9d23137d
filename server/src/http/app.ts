/**
 * The HTTP server, assembled: its plugins (security headers, sign-in, idempotency keys) and route
 * groups (sign-in, every PRM object's REST API, the business actions, the audit log, the integration
 * doors, the documentation and root page). Authorization is the policy's; input is the generated
 * validators'; errors are problem documents. Routes add no rules of their own.
 */
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import { loadActions, type ActionDefinition } from './actions.ts';
import type { Store } from '../store/database.ts';
import type { Tx } from '../store/repository.ts';
import { HttpProblem, sendProblem } from './problems.ts';
import { strictJsonBody } from './textBody.ts';
import type { DemoLogin } from './rootPage.ts';
import { serverSecretBox, type SecretBox } from '../auth/secrets.ts';
import type { Doors } from './doors.ts';
import { securityHeaders } from './plugins/securityHeaders.ts';
import { authentication, requireActor } from './plugins/authentication.ts';
import { idempotency } from './plugins/idempotency.ts';
import { authRoutes } from './routes/auth.ts';
import { recordRoutes } from './routes/records.ts';
import { actionRoutes } from './routes/actions.ts';
import { auditRoutes } from './routes/audit.ts';
import { docsRoutes } from './routes/docs.ts';
import { registerIntakeRoutes } from '../intake/routes.ts';
import { registerXapiRoutes } from '../intake/xapi.ts';
import { registerImportRoutes } from '../imports/routes.ts';
import { registerWebhookRoutes } from '../webhooks/routes.ts';
import { registerIdentityRoutes } from '../identity/routes.ts';
import { registerBusinessHooks } from '../businessHooks.ts';

export interface AppOptions {
  store: Store;
  now?: () => Date;
  /** Shown on the root page when the server runs with demo data. */
  demoLogins?: DemoLogin[];
  /** Business actions; by default every concept's (loadActions). */
  actions?: ActionDefinition[];
  /** Cookies are Secure unless this is false (plain-HTTP tests). */
  secureCookies?: boolean;
  /** Seals secrets kept in the store (webhook and intake secrets); by default the server's (auth/secrets.ts). */
  secrets?: SecretBox;
  logger?: boolean;
  /** Told of every route as it is registered (the OpenAPI coverage test lists them this way). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  registerBusinessHooks();
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const read: Tx = { db: store.db, dialect: store.dialect, root: store.db };
  // Made when first needed, so a server that keeps no secrets never asks for a key.
  let secretsBox = options.secrets;
  const secrets = (): SecretBox => {
    try {
      return (secretsBox ??= serverSecretBox(store));
    } catch (error) {
      // A setting the operator must fix (PostgreSQL without PRM_ENCRYPTION_KEY), not a fault in the request.
      throw new HttpProblem(
        503,
        'encryption-key-missing',
        'The server cannot keep secrets yet',
        (error as Error).message,
      );
    }
  };
  const doors: Doors = {
    store,
    read,
    now,
    secrets,
    requireActor,
    inTransaction: (work) => store.transaction(work),
  };

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1_048_576 });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  await app.register(cookie);
  strictJsonBody(app);
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new HttpProblem(404, 'not-found', 'Not found', `Nothing is served at ${request.method} ${request.url}.`),
    ),
  );
  // Plain functions on the app itself rather than encapsulated Fastify plugins: their hooks must
  // reach every route, in this order (headers on every answer, then who asks, then their keys).
  securityHeaders(app);
  authentication(app, read, now);
  idempotency(app, read, now);

  authRoutes(app, doors, { secureCookies: options.secureCookies !== false });
  recordRoutes(app, doors);
  const actions = options.actions ?? (await loadActions());
  actionRoutes(app, doors, actions);
  auditRoutes(app, doors);
  // The integration doors (docs/integration.md): webhooks, intake, single sign-on, SCIM, import and
  // export, xAPI. Each module registers its own routes with what it needs from here.
  await registerIdentityRoutes(app, doors);
  await registerIntakeRoutes(app, doors);
  await registerXapiRoutes(app, doors);
  await registerImportRoutes(app, doors);
  await registerWebhookRoutes(app, doors);
  docsRoutes(app, actions, options.demoLogins ?? []);
  return app;
}
