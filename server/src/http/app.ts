/**
 * The HTTP server: sign-in, the REST API for every PRM object (generated from the schema), the audit
 * log, the OpenAPI document and its browsable page, and the root page. Authorization is the policy's;
 * input is the generated validators'; errors are problem documents. Routes add no rules of their own.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { inBodyTerms, loadActions, parseBody, requireRole, type ActionDefinition, type Created } from './actions.ts';
import { restCollection } from '@prm/core/hosts/rest';
import { ValidationError } from '@prm/core/errors';
import type { Store } from '../store/database.ts';
import {
  createRecord,
  deleteRecord,
  getRecord,
  listRecords,
  updateRecord,
  type Tx,
  VersionConflictError,
  writeUpdate,
} from '../store/repository.ts';
import { ForbiddenError, redact, requireChannelAdmin, systemActor, type Actor } from '../auth/policy.ts';
import {
  actorForSession,
  actorForToken,
  checkPassword,
  createApiToken,
  endSession,
  sessionCookie,
  startSession,
} from '../auth/identity.ts';
import { HttpProblem, sendProblem } from './problems.ts';
import { strictJsonBody } from './textBody.ts';
import { listQuery } from './listQuery.ts';
import { openApiDocument } from './openapi.ts';
import { docsAsset, docsPage } from './docs.ts';
import { rootPage, type DemoLogin } from './rootPage.ts';
import { serverSecretBox, type SecretBox } from '../auth/secrets.ts';
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
  /** Business actions; by default every module in server/src/actions. */
  actions?: ActionDefinition[];
  /** Cookies are Secure unless this is false (plain-HTTP tests). */
  secureCookies?: boolean;
  /** Seals secrets kept in the store (webhook and intake secrets); by default the server's (auth/secrets.ts). */
  secrets?: SecretBox;
  logger?: boolean;
  /** Told of every route as it is registered (the OpenAPI coverage test lists them this way). */
  onRoute?: (route: RouteOptions) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    viaCookie: boolean;
    idempotency: { userId: string; key: string } | null;
  }
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What an integration door's routes get from the app (see the end of buildApp). */
export interface Doors {
  store: Store;
  now: () => Date;
  /** The server's secret box, made when first asked for. */
  secrets: () => SecretBox;
  /** The signed-in actor, or a 401 problem. */
  requireActor: (request: FastifyRequest) => Actor;
  /** A write transaction that answers once committed (group commit on the embedded store). */
  inTransaction: <T>(work: (trx: Tx) => Promise<T>) => Promise<T>;
}

function requireActor(request: FastifyRequest): Actor {
  if (!request.actor)
    throw new HttpProblem(
      401,
      'unauthenticated',
      'Sign in first',
      'Send a session cookie (POST /api/auth/login) or an Authorization: Bearer token.',
    );
  return request.actor;
}

/** If-Match carries the version the caller last read, as the ETag we sent: `"3"`. */
function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (!header) {
    throw new HttpProblem(
      428,
      'precondition-required',
      'If-Match is required',
      'Send If-Match with the ETag of the version you read, so changes are never lost.',
      [{ field: 'If-Match', message: 'is required: the ETag of the version you read' }],
    );
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(String(header).trim());
  if (!match)
    throw new HttpProblem(400, 'bad-request', 'If-Match is not valid', 'If-Match must be an ETag such as "3".', [
      { field: 'If-Match', message: 'must be an ETag such as "3"' },
    ]);
  return Number(match[1]);
}

function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  registerBusinessHooks();
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const tx: Tx = { db: store.db, dialect: store.dialect, root: store.db };
  const inTransaction = <T>(work: (trx: Tx) => Promise<T>): Promise<T> => store.transaction(work);
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

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1_048_576 });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  await app.register(cookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('viaCookie', false);
  app.decorateRequest('idempotency', null);

  strictJsonBody(app);
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new HttpProblem(404, 'not-found', 'Not found', `Nothing is served at ${request.method} ${request.url}.`),
    ),
  );

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    );
    return payload;
  });

  // Who is asking: a bearer token, or the session cookie.
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await actorForToken(tx, authorization.slice(7).trim());
      if (!request.actor)
        throw new HttpProblem(
          401,
          'unauthenticated',
          'The token is not valid',
          'The bearer token is unknown or its user is deactivated.',
        );
      return;
    }
    const session = request.cookies[sessionCookie];
    if (session) {
      request.actor = await actorForSession(tx, now(), session);
      request.viaCookie = Boolean(request.actor);
      // A cookie-authenticated change must come from our own pages (SameSite=Strict plus an Origin check).
      if (request.actor && unsafe.has(request.method) && request.headers.origin) {
        const expected = `${request.protocol}://${request.headers.host}`;
        if (request.headers.origin !== expected)
          throw new ForbiddenError(`Requests from ${request.headers.origin} may not use this session.`);
      }
    }
  });

  // Idempotency keys: a POST retried with the same key gets the first answer, never a second effect.
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return;
    const value = String(key);
    if (!/^[A-Za-z0-9_.:-]{8,255}$/.test(value)) {
      throw new HttpProblem(
        400,
        'bad-request',
        'Idempotency-Key is not valid',
        'Idempotency-Key must be 8 to 255 letters, digits or _ . : -',
        [{ field: 'Idempotency-Key', message: 'must be 8 to 255 letters, digits or _ . : -' }],
      );
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const inserted = await tx.db
      .insertInto('idempotency_key')
      .values({
        user_id: request.actor.userId,
        key: value,
        method: request.method,
        path: request.url,
        request_hash: requestHash,
        created_at: now().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      request.idempotency = { userId: request.actor.userId, key: value };
      return;
    }
    const earlier = await tx.db
      .selectFrom('idempotency_key')
      .selectAll()
      .where('user_id', '=', request.actor.userId)
      .where('key', '=', value)
      .executeTakeFirstOrThrow();
    if (earlier.request_hash !== requestHash) {
      throw new HttpProblem(
        422,
        'idempotency-key-reused',
        'Idempotency-Key was used for another request',
        'Use a new key for a different request.',
        [{ field: 'Idempotency-Key', message: 'was already used for a different request' }],
      );
    }
    if (earlier.status_code === null) {
      throw new HttpProblem(
        409,
        'idempotency-in-progress',
        'The first request with this key is still running',
        'Retry in a moment.',
      );
    }
    reply.header('Idempotent-Replayed', 'true');
    const isProblem = Number(earlier.status_code) >= 400;
    return reply
      .code(Number(earlier.status_code))
      .type(isProblem ? 'application/problem+json' : 'application/json')
      .send(earlier.response_body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.idempotency) return payload;
    const { userId, key } = request.idempotency;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      // Nothing was changed, so the key is freed for a retry.
      await tx.db.deleteFrom('idempotency_key').where('user_id', '=', userId).where('key', '=', key).execute();
    } else if (String(reply.getHeader('cache-control') ?? '').includes('no-store')) {
      // The answer holds a secret shown once (a webhook or intake secret): it is not kept in the store,
      // so a retry learns that it succeeded and must rotate the secret to see a new one.
      await tx.db
        .updateTable('idempotency_key')
        .set({
          status_code: 409,
          response_body: JSON.stringify({
            type: '/problems/idempotency-answer-not-kept',
            title: 'The first answer is not kept',
            status: 409,
            detail: `The first request with this key succeeded (${reply.statusCode}), but its answer held a secret that is shown only once. Rotate the secret to get a new one.`,
          }),
        })
        .where('user_id', '=', userId)
        .where('key', '=', key)
        .execute();
    } else {
      await tx.db
        .updateTable('idempotency_key')
        .set({
          status_code: reply.statusCode,
          response_body: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null),
        })
        .where('user_id', '=', userId)
        .where('key', '=', key)
        .execute();
    }
    return payload;
  });

  // Sign-in.
  app.post('/api/auth/login', async (request, reply) => {
    const body = bodyObject(request);
    const problems = [];
    if (typeof body.email !== 'string' || !body.email) problems.push({ field: 'email', message: 'is required' });
    if (typeof body.password !== 'string' || !body.password)
      problems.push({ field: 'password', message: 'is required' });
    if (problems.length) throw new ValidationError(problems);
    const actor = await checkPassword(tx, String(body.email), String(body.password));
    if (!actor)
      throw new HttpProblem(
        401,
        'unauthenticated',
        'Wrong email or password',
        'The email or the password is wrong, or the user is deactivated.',
      );
    const session = await startSession(tx, now(), actor);
    reply.setCookie(sessionCookie, session.id, {
      httpOnly: true,
      secure: options.secureCookies !== false,
      sameSite: 'strict',
      path: '/',
      expires: session.expiresAt,
    });
    return { user: actor };
  });
  app.post('/api/auth/logout', async (request, reply) => {
    const session = request.cookies[sessionCookie];
    if (session) await endSession(tx, session);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.code(204).send();
  });
  app.get('/api/auth/me', async (request) => ({ user: requireActor(request) }));
  app.post('/api/auth/tokens', async (request, reply) => {
    const actor = requireActor(request);
    const body = bodyObject(request);
    const token = await createApiToken(tx, now(), actor, typeof body.name === 'string' ? body.name : '');
    return reply.code(201).send(token);
  });

  // Every PRM object: list, create, read, update, delete.
  for (const object of prmObjects) {
    const base = `/api/${restCollection(object)}`;
    app.get(base, async (request) => {
      const actor = requireActor(request);
      const page = await listRecords(
        tx,
        actor,
        object,
        listQuery(object, actor, request.query as Record<string, unknown>),
      );
      return {
        data: page.records.map((record) => redact(actor, object, record)),
        next: page.next,
        total: page.total,
      };
    });
    app.post(base, async (request, reply) => {
      const actor = requireActor(request);
      const body = bodyObject(request);
      const record = await inTransaction((trx) => createRecord(trx, now(), actor, object, body));
      return reply
        .code(201)
        .header('ETag', `"${record.version}"`)
        .header('Location', `${base}/${record.id}`)
        .send(redact(actor, object, record));
    });
    app.get(`${base}/:id`, async (request, reply) => {
      const actor = requireActor(request);
      const record = await getRecord(tx, actor, object, (request.params as { id: string }).id);
      return reply.header('ETag', `"${record.version}"`).send(redact(actor, object, record));
    });
    app.patch(`${base}/:id`, async (request, reply) => {
      const actor = requireActor(request);
      const version = expectedVersion(request);
      const body = bodyObject(request);
      const record = await inTransaction((trx) =>
        updateRecord(trx, now(), actor, object, (request.params as { id: string }).id, version, body),
      );
      return reply.header('ETag', `"${record.version}"`).send(redact(actor, object, record));
    });
    app.delete(`${base}/:id`, async (request, reply) => {
      const actor = requireActor(request);
      const version = expectedVersion(request);
      await inTransaction((trx) =>
        deleteRecord(trx, now(), actor, object, (request.params as { id: string }).id, version),
      );
      return reply.code(204).send();
    });
  }

  // Business actions: one handler for all, so each gets the same checks.
  const actions = options.actions ?? (await loadActions());
  for (const action of actions) {
    const object = objectNamed(prmObjects, action.object);
    const base = `/api/${restCollection(object)}`;
    if (action.on === 'collection') {
      app.route({
        method: action.method,
        url: `${base}/${action.name}`,
        handler: async (request, reply) => {
          const actor = action.public ? systemActor('public-form') : requireActor(request);
          if (!action.public) requireRole(actor, action);
          const body = parseBody(action, action.method === 'GET' ? request.query : request.body);
          const answer =
            action.method === 'GET'
              ? await inBodyTerms(action, () => action.run({ tx, actor, now: now() }, body))
              : await inTransaction((trx) =>
                  inBodyTerms(action, () => action.run({ tx: trx, actor, now: now() }, body)),
                );
          if (!action.creates) return answer;
          const { record, ...extras } = answer as Created;
          return reply
            .code(201)
            .header('ETag', `"${record.version}"`)
            .header('Location', `${base}/${record.id}`)
            .send({ record: action.public ? record : redact(actor, object, record), ...extras });
        },
      });
      continue;
    }
    app.post(`${base}/:id/${action.name}`, async (request, reply) => {
      const actor = requireActor(request);
      requireRole(actor, action);
      const id = (request.params as { id: string }).id;
      const outcome = await inTransaction(async (trx) => {
        // The record's scope first: someone else's record is "not found", whatever the body says.
        const record = await getRecord(trx, actor, object, id);
        const body = parseBody(action, request.body);
        if (request.headers['if-match'] && expectedVersion(request) !== record.version) {
          throw new VersionConflictError(object, id, record.version);
        }
        const { changes, result } = await inBodyTerms(action, () =>
          action.run({ tx: trx, actor, now: now() }, record, body),
        );
        const updated = Object.keys(changes).length
          ? await writeUpdate(trx, now(), actor, object, record, record.version, changes, action.name)
          : record;
        return { updated, result };
      });
      return reply.header('ETag', `"${outcome.updated.version}"`).send({
        ...outcome.result,
        record: redact(actor, object, outcome.updated),
      });
    });
  }

  // The audit log, for channel admins.
  app.get('/api/audit-log', async (request) => {
    requireChannelAdmin(requireActor(request), 'read the audit log');
    const query = request.query as Record<string, string>;
    let select = store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(Math.min(Number(query.limit ?? 100) || 100, 500));
    if (query.object) select = select.where('object', '=', query.object);
    if (query.recordId) select = select.where('record_id', '=', query.recordId);
    const rows = await select.execute();
    return {
      data: rows.map((row) => ({
        id: Number(row.id),
        at: row.at,
        actorId: row.actor_id,
        actorRole: row.actor_role,
        object: row.object,
        recordId: row.record_id,
        action: row.action,
        before: typeof row.before === 'string' ? JSON.parse(row.before) : row.before,
        after: typeof row.after === 'string' ? JSON.parse(row.after) : row.after,
      })),
    };
  });

  // The integration doors (docs/integration.md): webhooks, intake, single sign-on, SCIM, import and
  // export, xAPI. Each module registers its own routes with what it needs from here.
  const doors: Doors = { store, now, secrets, requireActor, inTransaction };
  await registerIdentityRoutes(app, doors);
  await registerIntakeRoutes(app, doors);
  await registerXapiRoutes(app, doors);
  await registerImportRoutes(app, doors);
  await registerWebhookRoutes(app, doors);

  // Documentation and the root page.
  const document = openApiDocument(actions);
  app.get('/api/docs.json', async () => document);
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage()));
  app.get('/api/docs/assets/:file', async (request, reply: FastifyReply) => {
    const asset = docsAsset((request.params as { file: string }).file);
    if (!asset) throw new HttpProblem(404, 'not-found', 'Not found', 'No such documentation asset.');
    return reply.type(asset.type).send(asset.content);
  });
  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(rootPage(options.demoLogins ?? [])),
  );

  return app;
}
