/**
 * The invitation doors: a channel admin invites a user (POST /api/users/:id/invitation), and the user
 * opens the link, a plain page whose script sends the token and the new password to
 * POST /api/invitations/accept. The page holds no data of its own; the script writes only text.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireChannelAdmin } from '../auth/policy.ts';
import type { Doors } from '../http/doors.ts';
import { acceptInvitation, issueInvitation } from './invitations.ts';

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set your PRM password</title><script src="/invitation/page.js" defer></script></head>
<body>
<main>
<h1>Set your password</h1>
<form id="invitation">
<label for="password">New password (at least 12 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Set password</button>
</form>
<p id="outcome" role="status"></p>
</main>
</body>
</html>
`;

const script = `'use strict';
document.getElementById('invitation').addEventListener('submit', async (event) => {
  event.preventDefault();
  const outcome = document.getElementById('outcome');
  const token = decodeURIComponent(location.hash.slice(1));
  const password = document.getElementById('password').value;
  const response = await fetch('/api/invitations/accept', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  const body = await response.json();
  outcome.textContent = response.ok
    ? 'Your password is set. Sign in as ' + body.email + '.'
    : (body.errors || []).map((error) => error.field + ' ' + error.message).join('; ') || body.detail;
  if (response.ok) history.replaceState(null, '', location.pathname);
});
`;

const originOf = (request: FastifyRequest) => `${request.protocol}://${request.headers.host}`;

export async function registerInvitationRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  app.post('/api/users/:id/invitation', async (request, reply) => {
    const actor = requireChannelAdmin(doors.requireActor(request), 'invite users');
    const { id } = request.params as { id: string };
    const invitation = await doors.inTransaction((tx) =>
      issueInvitation(tx, doors.now(), actor, id, originOf(request)),
    );
    // The token is shown once: never kept as an idempotent answer (http/app.ts).
    return reply.code(201).header('Cache-Control', 'no-store').send(invitation);
  });
  app.post('/api/invitations/accept', async (request) => {
    const body = (request.body ?? {}) as { token?: unknown; password?: unknown };
    return doors.inTransaction((tx) => acceptInvitation(tx, doors.now(), body));
  });
  app.get('/invitation', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/invitation/page.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
}
