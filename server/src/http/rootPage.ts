/** The plain page at `/`: what this is, the demo logins, and where the API and its docs are. */
import { oidcConfigured } from '../identity/oidc.ts';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  partner?: string;
}

/** Escapes text for HTML; the page is built from a few strings, which does not justify a template engine. */
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export function rootPage(logins: DemoLogin[], singleSignOn = oidcConfigured()): string {
  const rows = logins
    .map(
      (login) =>
        `<tr><td>${escapeHtml(login.role)}</td><td>${escapeHtml(login.email)}</td><td><code>${escapeHtml(login.password)}</code></td><td>${escapeHtml(login.partner ?? '')}</td></tr>`,
    )
    .join('\n');
  const demo = logins.length
    ? `<h2>Demo logins</h2>
<table>
<thead><tr><th>Role</th><th>Email</th><th>Password</th><th>Partner</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p>No demo data is loaded.</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PRM inside the CRM</title></head>
<body>
<h1>PRM inside the CRM</h1>
<p>Partner relationship management: partner onboarding and tiers, enablement, deal registration without channel conflict, lead distribution with SLAs, MDF and channel analytics.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (<a href="/api/docs.json">OpenAPI 3.1 JSON</a>)</li>
<li>Sign in: <code>POST /api/auth/login</code> with <code>{"email": "...", "password": "..."}</code></li>
${singleSignOn ? '<li><a href="/api/auth/oidc/login">Sign in with SSO</a></li>\n' : ''}</ul>
${demo}
</body>
</html>
`;
}
