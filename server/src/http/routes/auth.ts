/** Sign-in routes: log in (a session cookie), log out, who am I, and API tokens. */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '@prm/core/errors';
import { checkPassword, createApiToken, endSession, sessionCookie, startSession } from '../../auth/identity.ts';
import type { Doors } from '../doors.ts';
import { HttpProblem } from '../problems.ts';
import { bodyObject } from '../requestParts.ts';

export function authRoutes(app: FastifyInstance, doors: Doors, options: { secureCookies: boolean }): void {
  const { read, now } = doors;
  app.post('/api/auth/login', async (request, reply) => {
    const body = bodyObject(request);
    const problems = [];
    if (typeof body.email !== 'string' || !body.email) problems.push({ field: 'email', message: 'is required' });
    if (typeof body.password !== 'string' || !body.password)
      problems.push({ field: 'password', message: 'is required' });
    if (problems.length) throw new ValidationError(problems);
    const actor = await checkPassword(read, String(body.email), String(body.password));
    if (!actor)
      throw new HttpProblem(
        401,
        'unauthenticated',
        'Wrong email or password',
        'The email or the password is wrong, or the user is deactivated.',
      );
    const session = await startSession(read, now(), actor);
    reply.setCookie(sessionCookie, session.id, {
      httpOnly: true,
      secure: options.secureCookies,
      sameSite: 'strict',
      path: '/',
      expires: session.expiresAt,
    });
    return { user: actor };
  });
  app.post('/api/auth/logout', async (request, reply) => {
    const session = request.cookies[sessionCookie];
    if (session) await endSession(read, session);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.code(204).send();
  });
  app.get('/api/auth/me', async (request) => ({ user: doors.requireActor(request) }));
  app.post('/api/auth/tokens', async (request, reply) => {
    const actor = doors.requireActor(request);
    const body = bodyObject(request);
    const token = await createApiToken(read, now(), actor, typeof body.name === 'string' ? body.name : '');
    return reply.code(201).send(token);
  });
}
