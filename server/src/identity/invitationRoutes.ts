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
<title>Set your PRM password</title><link rel="stylesheet" href="/invitation/page.css"><script src="/invitation/page.js" defer></script></head>
<body>
<main>
<p class="product">Partner program</p>
<h1>Set your password</h1>
<p class="lead">You were invited to the partner program. Choose a password to finish setting up your account; the link works once.</p>
<form id="invitation">
<label for="password">New password (at least 12 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Set password</button>
</form>
<p id="outcome" role="status"></p>
<p id="next" hidden><a href="/">Go to sign in</a></p>
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
  outcome.className = response.ok ? 'done' : 'problem';
  if (response.ok) {
    history.replaceState(null, '', location.pathname);
    document.getElementById('invitation').hidden = true;
    document.getElementById('next').hidden = false;
  }
});
`;

// A stylesheet of its own, because the server's Content-Security-Policy allows styles from the server only.
const stylesheet = `body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #181818; background: #f3f3f3; }
main { max-width: 28rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 0.5rem;
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.15); }
@media (max-width: 32rem) { main { margin: 0; border-radius: 0; box-shadow: none; min-height: 100vh; } }
.product { margin: 0; color: #5c5c5c; font-size: 0.875rem; text-transform: uppercase; letter-spacing: 0.05em; }
h1 { margin: 0.25rem 0 0.5rem; font-size: 1.75rem; }
.lead { margin: 0 0 1.5rem; color: #444; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input { box-sizing: border-box; width: 100%; padding: 0.625rem; font: inherit; border: 1px solid #8a8a8a; border-radius: 0.25rem; }
button { margin-top: 1rem; width: 100%; padding: 0.75rem; font: inherit; font-weight: 600; color: #fff;
  background: #0b5cab; border: 0; border-radius: 0.25rem; cursor: pointer; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #1b96ff; outline-offset: 2px; }
#outcome.problem { color: #b60554; }
#outcome.done { color: #056764; font-weight: 600; }
#next a { display: inline-block; padding: 0.625rem 1rem; color: #fff; background: #0b5cab; border-radius: 0.25rem; text-decoration: none; }
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
  app.get('/invitation/page.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(stylesheet));
  app.get('/invitation/page.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
}
