/**
 * The business actions' routes: one handler for every action (http/actions.ts declares them), so each
 * gets the same sign-in, role check, record scope, body validation, transaction, version check and
 * audit entry.
 */
import type { FastifyInstance } from 'fastify';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { restCollection } from '@prm/core/hosts/rest';
import { redact, systemActor } from '../../auth/policy.ts';
import { getRecord, VersionConflictError, writeUpdate } from '../../store/repository.ts';
import { inBodyTerms, parseBody, requireRole, type ActionDefinition, type Created } from '../actions.ts';
import type { Doors } from '../doors.ts';
import { expectedVersion, idParam } from '../requestParts.ts';

export function actionRoutes(app: FastifyInstance, doors: Doors, actions: readonly ActionDefinition[]): void {
  const { read, now, requireActor, inTransaction } = doors;
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
              ? await inBodyTerms(action, () => action.run({ tx: read, actor, now: now() }, body))
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
      const id = idParam(request);
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
}
