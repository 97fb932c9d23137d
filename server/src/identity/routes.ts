/** The identity doors: single sign-on (OIDC) and SCIM provisioning. */
import type { FastifyInstance } from 'fastify';
import { registerInvitationRoutes } from './invitationRoutes.ts';
import type { Doors } from '../http/doors.ts';
import { registerOidcRoutes } from './oidc.ts';
import { registerScimRoutes } from './scim.ts';

export async function registerIdentityRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  await registerOidcRoutes(app, doors);
  await registerScimRoutes(app, doors);
  await registerInvitationRoutes(app, doors);
}
