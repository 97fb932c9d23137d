/**
 * SCIM 2.0 provisioning (RFC 7643, RFC 7644) under /scim/v2: an identity provider creates, updates and
 * deactivates PRM users. Groups are the PRM roles, fixed: adding a user to "PRM Partner Reps" makes
 * them a partnerRep. The partner of a user is the enterprise extension's `organization` (a partner id
 * or CRM id). The caller is the provider's service account: a bearer token of a channelAdmin. Here: the
 * routes and their answers; the resources, users, groups, PATCH and discovery are in scim*.ts.
 */
import { halfCharacters, utf8Text } from '../http/textBody.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roles, type Role } from '@prm/core/schema/roles';
import { ValidationError } from '@prm/core/errors';
import { HttpProblem } from '../http/problems.ts';
import type { Doors } from '../http/doors.ts';
import type { Tx } from '../store/repository.ts';
import type { AppUserRow as UserRow } from '../store/systemTables.ts';
import { ScimError, scimFilter } from './scimFilter.ts';
import { auditUser, userView } from './userAudit.ts';
import { issueInvitation } from './invitations.ts';
import {
  prmSchema,
  listSchema,
  errorSchema,
  scimType,
  type Json,
  groupName,
  roleForGroup,
  userResource,
  groupResource,
  forFiltering,
  project,
  page,
} from './scimResources.ts';
import { userColumns, refuseDuplicates, loadUser, writeUser } from './scimUsers.ts';
import { applyOperation, emailsToUserName, patchOperations } from './scimPatch.ts';
import { memberIds, setRole, leaveRole, keepCallerAccess } from './scimGroups.ts';
import { serviceDocuments } from './scimDiscovery.ts';

function toScimError(error: any): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof ValidationError)
    return new ScimError(
      400,
      'invalidValue',
      error.problems.map((problem) => `${problem.field} ${problem.message}`).join('; '),
    );
  if (error instanceof HttpProblem) return new ScimError(error.status, undefined, error.message);
  if (typeof error?.statusCode === 'number' && error.statusCode < 500)
    return new ScimError(
      error.statusCode,
      error.statusCode === 400 ? 'invalidSyntax' : undefined,
      String(error.message),
    );
  return new ScimError(
    500,
    undefined,
    'The server failed; nothing was changed. Try again, and tell the PRM operator if it persists.',
  );
}

export async function registerScimRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  await app.register(
    async (scim) => {
      scim.addContentTypeParser(scimType, { parseAs: 'buffer' }, (_request, body, done) => {
        let value: unknown;
        try {
          value = JSON.parse(utf8Text(body as Buffer));
        } catch (error) {
          const reason = error instanceof HttpProblem ? 'The body is not UTF-8 text.' : 'The body is not valid JSON.';
          return done(new ScimError(400, 'invalidSyntax', reason));
        }
        // Half a character would be stored as U+FFFD: refused, as the JSON API refuses it.
        const [half] = halfCharacters(value);
        if (half) return done(new ScimError(400, 'invalidValue', `${half.field} ${half.message}.`));
        done(null, value);
      });
      scim.setErrorHandler((error, request, reply) => {
        const scimError = toScimError(error);
        if (scimError.status >= 500) request.log.error(error);
        return reply
          .code(scimError.status)
          .type(scimType)
          .send({
            schemas: [errorSchema],
            status: String(scimError.status),
            ...(scimError.scimType ? { scimType: scimError.scimType } : {}),
            detail: scimError.message,
          });
      });
      scim.setNotFoundHandler((request, reply) =>
        reply
          .code(404)
          .type(scimType)
          .send({
            schemas: [errorSchema],
            status: '404',
            detail: `Nothing is served at ${request.method} ${request.url}.`,
          }),
      );
      scim.addHook('preHandler', async (request) => {
        // Only a token: a browser session must never be able to provision users.
        if (!request.actor || request.viaCookie)
          throw new ScimError(
            401,
            undefined,
            'Send Authorization: Bearer <API token of a channelAdmin service account>.',
          );
        if (request.actor.role !== 'channelAdmin')
          throw new ScimError(
            403,
            undefined,
            `SCIM needs a channelAdmin's token; this token belongs to a ${request.actor.role}.`,
          );
      });
      scim.addHook('onSend', async (_request, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.type(scimType);
        return payload;
      });

      // Every SCIM write runs here, ending with the check that the caller keeps its own access.
      const write = <T>(request: FastifyRequest, work: (tx: Tx) => Promise<T>): Promise<T> =>
        doors.inTransaction(async (tx) => {
          const result = await work(tx);
          await keepCallerAccess(tx, request.actor!.userId);
          return result;
        });
      const base = (request: FastifyRequest) => `${request.protocol}://${request.headers.host}/scim/v2`;
      const allUsers = (): Promise<UserRow[]> =>
        doors.store.db.selectFrom('app_user').selectAll().orderBy('created_at').orderBy('id').execute();
      const send = (reply: FastifyReply, status: number, body: Json) => reply.code(status).type(scimType).send(body);

      scim.get('/ServiceProviderConfig', async (request) => serviceDocuments(base(request)).serviceProviderConfig);
      scim.get('/ResourceTypes', async (request) => {
        const { resourceTypes } = serviceDocuments(base(request));
        return {
          schemas: [listSchema],
          totalResults: resourceTypes.length,
          itemsPerPage: resourceTypes.length,
          startIndex: 1,
          Resources: resourceTypes,
        };
      });
      scim.get('/Schemas', async (request) => {
        const { schemas } = serviceDocuments(base(request));
        return {
          schemas: [listSchema],
          totalResults: schemas.length,
          itemsPerPage: schemas.length,
          startIndex: 1,
          Resources: schemas,
        };
      });

      // Users are few (people, not records), so a list is filtered in memory with the filter library
      // rather than translated to SQL; that keeps every operator and path form of RFC 7644 exact.
      scim.get('/Users', async (request) => {
        const query = request.query as Record<string, string>;
        let resources = (await allUsers()).map((row) => userResource(row, base(request)));
        if (query.filter) {
          const test = scimFilter(query.filter, forFiltering);
          resources = resources.filter(test);
        }
        return page(query, resources);
      });
      scim.get('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        return project(
          userResource(await loadUser(doors.store, id), base(request)),
          request.query as Record<string, string>,
        );
      });
      scim.post('/Users', async (request, reply) => {
        const now = doors.now();
        const row = await write(request, async (tx) => {
          const columns = await userColumns(tx, request.body as Json);
          await refuseDuplicates(tx, columns);
          const id = randomUUID();
          await tx.db
            .insertInto('app_user')
            .values({
              id,
              ...columns,
              active: tx.dialect === 'sqlite' ? Number(columns.active) : columns.active,
              password_hash: null,
              external_id: null,
              created_at: now.toISOString(),
              updated_at: now.toISOString(),
            })
            .execute();
          await auditUser(tx, now, request.actor!, id, 'create', null);
          // SCIM never sets a PRM password, so the new user gets an invitation to choose one; its link
          // is answered here once, in the PRM extension (identity providers keep what they do not know).
          const invitation = await issueInvitation(
            tx,
            now,
            request.actor!,
            id,
            `${request.protocol}://${request.headers.host}`,
          );
          return { ...(await loadUser(tx, id)), invitation };
        });
        const { invitation, ...user } = row;
        const resource = userResource(user, base(request));
        resource[prmSchema] = {
          ...resource[prmSchema],
          invitation: { url: invitation.url, expiresAt: invitation.expiresAt },
        };
        reply.header('Location', resource.meta.location);
        return send(reply, 201, resource);
      });
      scim.put('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        const row = await write(request, async (tx) => {
          await writeUser(tx, doors.now(), await loadUser(tx, id), request.body as Json, request.actor!);
          return loadUser(tx, id);
        });
        return userResource(row, base(request));
      });
      scim.patch('/Users/:id', async (request) => {
        const { id } = request.params as { id: string };
        const operations = patchOperations(request.body as Json);
        const row = await write(request, async (tx) => {
          const current = await loadUser(tx, id);
          const before = userResource(current, base(request));
          const after: Json = structuredClone(before);
          for (const operation of operations) applyOperation(after, operation.op, operation.path, operation.value);
          emailsToUserName(before, after);
          await writeUser(tx, doors.now(), current, after, request.actor!);
          return loadUser(tx, id);
        });
        return userResource(row, base(request));
      });
      scim.delete('/Users/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        await write(request, async (tx) => {
          await loadUser(tx, id);
          const before = await userView(tx, id);
          // Sessions and tokens go with the user (on delete cascade).
          await tx.db.deleteFrom('app_user').where('id', '=', id).execute();
          await auditUser(tx, doors.now(), request.actor!, id, 'delete', before);
        });
        return reply.code(204).send();
      });

      const groupsOf = async (request: FastifyRequest) => {
        const users = await allUsers();
        return roles.map((role) =>
          groupResource(
            role,
            users.filter((user) => user.role === role && user.active),
            base(request),
          ),
        );
      };
      const findGroup = (id: string): Role => {
        const role = roleForGroup(id);
        if (!role)
          throw new ScimError(
            404,
            undefined,
            `No group has the id ${id}; the groups are the PRM roles: ${roles.join(', ')}.`,
          );
        return role;
      };
      scim.get('/Groups', async (request) => {
        const query = request.query as Record<string, string>;
        let groups = await groupsOf(request);
        if (query.filter) groups = groups.filter(scimFilter(query.filter, forFiltering));
        return page(query, groups);
      });
      scim.get('/Groups/:id', async (request) => {
        const role = findGroup((request.params as { id: string }).id);
        const group = (await groupsOf(request)).find((item) => item.id === role)!;
        return project(group, request.query as Record<string, string>);
      });
      scim.post('/Groups', async (request) => {
        const displayName = (request.body as Json)?.displayName;
        const role = roles.find((item) => groupName(item).toLowerCase() === String(displayName).toLowerCase());
        if (role)
          throw new ScimError(
            409,
            'uniqueness',
            `The group "${groupName(role)}" already exists with id ${role}; link to it instead of creating it.`,
          );
        throw new ScimError(
          400,
          'invalidValue',
          `displayName: the PRM's groups are its roles and are fixed: ${roles.map(groupName).join(', ')}.`,
        );
      });
      scim.put('/Groups/:id', async (request) => {
        const role = findGroup((request.params as { id: string }).id);
        const body = request.body as Json;
        const wanted = memberIds(body?.members ?? [], 'members');
        await write(request, async (tx) => {
          const now = doors.now();
          const present = (await tx.db.selectFrom('app_user').select('id').where('role', '=', role).execute()).map(
            (row) => String(row.id),
          );
          for (const id of present) if (!wanted.includes(id)) await leaveRole(tx, now, id, role, request.actor!);
          for (const id of wanted) await setRole(tx, now, id, role, request.actor!);
        });
        return (await groupsOf(request)).find((item) => item.id === role)!;
      });
      scim.patch('/Groups/:id', async (request, reply) => {
        const role = findGroup((request.params as { id: string }).id);
        const operations = patchOperations(request.body as Json);
        await write(request, async (tx) => {
          const now = doors.now();
          for (const { op, path, value } of operations) {
            const target =
              path ?? (value && typeof value === 'object' && 'members' in (value as Json) ? 'members' : 'displayName');
            const filtered = /^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i.exec(target);
            if (/^displayName$/i.test(target))
              throw new ScimError(400, 'mutability', 'displayName is read-only: the groups are the PRM roles.');
            if (!filtered && !/^members$/i.test(target))
              throw new ScimError(
                400,
                'invalidPath',
                `The path ${JSON.stringify(target)} is not a Group attribute that can change; use members.`,
              );
            const ids = filtered ? [filtered[1]!] : memberIds(path ? value : (value as Json).members, 'members');
            if (op === 'remove') for (const id of ids) await leaveRole(tx, now, id, role, request.actor!);
            else {
              if (op === 'replace' && !filtered) {
                const present = (
                  await tx.db.selectFrom('app_user').select('id').where('role', '=', role).execute()
                ).map((row) => String(row.id));
                for (const id of present) if (!ids.includes(id)) await leaveRole(tx, now, id, role, request.actor!);
              }
              for (const id of ids) await setRole(tx, now, id, role, request.actor!);
            }
          }
        });
        return reply.code(204).send();
      });
      scim.delete('/Groups/:id', async (request) => {
        findGroup((request.params as { id: string }).id);
        throw new ScimError(400, 'mutability', 'The groups are the PRM roles and cannot be deleted.');
      });
    },
    { prefix: '/scim/v2' },
  );
}
