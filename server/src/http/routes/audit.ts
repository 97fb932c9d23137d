/** The audit log, for channel admins: the newest entries first, by object or record when asked. */
import type { FastifyInstance } from 'fastify';
import { requireChannelAdmin } from '../../auth/policy.ts';
import { readAuditLog } from '../../store/auditLog.ts';
import type { Doors } from '../doors.ts';

export function auditRoutes(app: FastifyInstance, doors: Doors): void {
  app.get('/api/audit-log', async (request) => {
    requireChannelAdmin(doors.requireActor(request), 'read the audit log');
    const query = request.query as Record<string, string>;
    const limit = Math.min(Number(query.limit ?? 100) || 100, 500);
    return { data: await readAuditLog(doors.read, { object: query.object, recordId: query.recordId, limit }) };
  });
}
