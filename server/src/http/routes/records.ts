/** The REST API of every PRM object, generated from the schema: list, create, read, update, delete. */
import type { FastifyInstance } from 'fastify';
import { prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { redact } from '../../auth/policy.ts';
import { createRecord, deleteRecord, getRecord, listRecords, updateRecord } from '../../store/repository.ts';
import type { Doors } from '../doors.ts';
import { listQuery } from '../listQuery.ts';
import { bodyObject, expectedVersion, idParam } from '../requestParts.ts';

export function recordRoutes(app: FastifyInstance, doors: Doors): void {
  const { read, now, requireActor, inTransaction } = doors;
  for (const object of prmObjects) {
    const base = `/api/${restCollection(object)}`;
    app.get(base, async (request) => {
      const actor = requireActor(request);
      const page = await listRecords(
        read,
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
      const record = await getRecord(read, actor, object, idParam(request));
      return reply.header('ETag', `"${record.version}"`).send(redact(actor, object, record));
    });
    app.patch(`${base}/:id`, async (request, reply) => {
      const actor = requireActor(request);
      const version = expectedVersion(request);
      const body = bodyObject(request);
      const record = await inTransaction((trx) =>
        updateRecord(trx, now(), actor, object, idParam(request), version, body),
      );
      return reply.header('ETag', `"${record.version}"`).send(redact(actor, object, record));
    });
    app.delete(`${base}/:id`, async (request, reply) => {
      const actor = requireActor(request);
      const version = expectedVersion(request);
      await inTransaction((trx) => deleteRecord(trx, now(), actor, object, idParam(request), version));
      return reply.code(204).send();
    });
  }
}
