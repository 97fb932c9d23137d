/**
 * Who is asking: a bearer token, or the session cookie (whose changes must come from our own pages).
 * Every request gets its actor here, or none; requireActor answers 401 for a route that needs one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, type Actor } from '../../auth/policy.ts';
import { actorForSession, actorForToken, sessionCookie } from '../../auth/identity.ts';
import type { Tx } from '../../store/repository.ts';
import { HttpProblem } from '../problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    viaCookie: boolean;
  }
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor)
    throw new HttpProblem(
      401,
      'unauthenticated',
      'Sign in first',
      'Send a session cookie (POST /api/auth/login) or an Authorization: Bearer token.',
    );
  return request.actor;
}

/** Hooks sign-in onto every request (the cookie plugin must be registered first). */
export function authentication(app: FastifyInstance, read: Tx, now: () => Date): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('viaCookie', false);
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await actorForToken(read, authorization.slice(7).trim());
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
      request.actor = await actorForSession(read, now(), session);
      request.viaCookie = Boolean(request.actor);
      // A cookie-authenticated change must come from our own pages (SameSite=Strict plus an Origin check).
      if (request.actor && unsafe.has(request.method) && request.headers.origin) {
        const expected = `${request.protocol}://${request.headers.host}`;
        if (request.headers.origin !== expected)
          throw new ForbiddenError(`Requests from ${request.headers.origin} may not use this session.`);
      }
    }
  });
}
