/**
 * The LMS door: an xAPI 1.0.3 statements endpoint (POST /xapi/statements, PUT with ?statementId=) that
 * records course completions through the core's enablement rules (shared/src/enablement/lmsIngest.ts).
 * It is not a full Learning Record Store: it keeps which statements it has handled and what they did,
 * not the statements themselves, and offers no statement queries.
 *
 * The LMS signs in as an integration user of the vendor (channel admin or manager) with a PRM API
 * token, sent as HTTP Basic (the password; LMSs ask for a key and secret) or as a bearer token.
 * A batch is all or nothing, as xAPI requires: one statement the PRM cannot place rejects the batch
 * with the statement's index and property, and nothing is changed.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { roleDefinitions } from '@prm/core/schema/roles';
import type { FieldProblem } from '@prm/core/errors';
import type { Enrollment, PartnerContact } from '@prm/core/generated/types';
import { parseStatement, learnerEmail, type XapiStatement } from '@prm/core/enablement/xapi';
import { ingestStatement } from '@prm/core/enablement/lmsIngest';
import { actorForToken } from '../auth/identity.ts';
import { ForbiddenError, systemActor, type Actor } from '../auth/policy.ts';
import type { Doors } from '../http/doors.ts';
import { HttpProblem } from '../http/problems.ts';
import { createRecord, listRecords, writeUpdate, type Tx } from '../store/repository.ts';
import { columnFor, fromRow, recordTables } from '../store/records.ts';
import type { ObjectName } from '@prm/core/schema/validate';
import { sqlTableName } from '@prm/core/hosts/sql';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);
export const xapiVersion = '1.0.3';
const lmsRoles = ['channelAdmin', 'channelManager'] as const;

/** The credentials as LMSs send them: Basic with the token as password, or a bearer token. */
async function lmsActor(doors: Doors, request: FastifyRequest, reply: FastifyReply): Promise<Actor> {
  // Tells HTTP clients (and LMS connection tests) that Basic credentials are expected, should they fail.
  const unauthenticated = (detail: string) => {
    reply.header('WWW-Authenticate', 'Basic realm="PRM xAPI", charset="UTF-8"');
    return new HttpProblem(401, 'unauthenticated', 'Sign in with a PRM API token', detail);
  };
  const authorization = request.headers.authorization ?? '';
  let actor: Actor | null = null;
  if (authorization.startsWith('Bearer ')) actor = request.actor;
  else if (/^Basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const token = decoded.slice(decoded.indexOf(':') + 1);
    actor = token ? await actorForToken(doors.read, token) : null;
    if (!actor)
      throw unauthenticated(
        'The password in the Basic credentials is not a valid PRM API token, or its user is deactivated.',
      );
  }
  // A browser session is deliberately not enough: statements come from an LMS, never from a page.
  if (!actor)
    throw unauthenticated(
      'Send a PRM API token of an integration user: HTTP Basic with the token as the password, or Authorization: Bearer <token>.',
    );
  if (!(lmsRoles as readonly string[]).includes(actor.role))
    throw new ForbiddenError(
      `A ${roleDefinitions[actor.role].label} may not send xAPI statements: use a token of a channel admin or channel manager kept for the LMS.`,
    );
  return actor;
}

function requireVersion(request: FastifyRequest): void {
  const version = request.headers['x-experience-api-version'];
  if (typeof version !== 'string' || !/^1\.0(\.\d+)?$/.test(version.trim()))
    throw new HttpProblem(
      400,
      'bad-request',
      'X-Experience-API-Version is required',
      'xAPI requests must say which version they speak; this endpoint speaks 1.0.x (1.0.3).',
      [{ field: 'X-Experience-API-Version', message: version ? 'must be 1.0.x, such as 1.0.3' : 'is required' }],
    );
}

const badStatements = (problems: FieldProblem[]) =>
  new HttpProblem(
    400,
    'validation',
    'The statements are not valid',
    problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    problems,
  );

/** The statements of a request, each with an id (the LRS assigns one when the LMS did not), validated. */
function parseBatch(body: unknown, idFromQuery?: string): XapiStatement[] {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  const where = (i: number) => (batch ? `statement[${i}]` : 'statement');
  if (items.length === 0) throw badStatements([{ field: 'statement', message: 'send at least one statement' }]);
  const problems: FieldProblem[] = [];
  const statements: XapiStatement[] = [];
  const firstWithId = new Map<string, number>();
  items.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ field: where(i), message: 'must be a statement object' });
      return;
    }
    const given = item as Record<string, unknown>;
    if (idFromQuery !== undefined && given.id !== undefined && given.id !== idFromQuery)
      problems.push({ field: `${where(i)}.id`, message: 'must equal the statementId in the query string' });
    const parsed = parseStatement({ ...given, id: given.id ?? idFromQuery ?? randomUUID() });
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => ({ ...p, field: `${where(i)}.${p.field}` })));
      return;
    }
    const id = parsed.statement.id!.toLowerCase();
    const first = firstWithId.get(id);
    if (first !== undefined)
      problems.push({ field: `${where(i)}.id`, message: `repeats the id of statement[${first}]` });
    else firstWithId.set(id, i);
    statements.push(parsed.statement);
  });
  if (problems.length) throw badStatements(problems);
  return statements;
}

/**
 * JSON with sorted keys, so the same statement resent with its properties reordered has the same digest.
 * A dozen lines of our own: no canonical-JSON package is among the dependencies, and the values here
 * are plain parsed JSON (no dates, no cycles).
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** What makes two statements the same one (xAPI 1.0.3 §2.3.1 leaves out what the LRS sets). */
function digestOf(statement: XapiStatement): string {
  const { stored: _stored, authority: _authority, version: _version, ...rest } = statement as Record<string, unknown>;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

/** The partner contacts a statement's actor could be, matched case-insensitively as the core does. */
async function candidateLearners(tx: Tx, statement: XapiStatement): Promise<PartnerContact[]> {
  const names = [learnerEmail(statement), statement.actor.account?.name.toLowerCase()].filter((name): name is string =>
    Boolean(name),
  );
  if (!names.length) return [];
  const contact = object('partnerContact');
  const rows = await recordTables(tx.db)
    .selectFrom(sqlTableName(contact))
    .selectAll()
    .where(sql`lower(${sql.ref(columnFor(contact, 'email'))})`, 'in', names)
    .execute();
  return rows.map((row) => fromRow(contact, row));
}

/** Everything ingestStatement needs to place one statement: its course, learners and their enrollments. */
async function contextFor(tx: Tx, statement: XapiStatement) {
  const { records: courses } = await listRecords(tx, systemActor('program-records'), object('course'), {
    where: { activityIri: statement.object.id },
    limit: 1,
  });
  const contacts = courses.length ? await candidateLearners(tx, statement) : [];
  const enrollments: Enrollment[] = [];
  for (const contact of contacts) {
    const { records } = await listRecords(tx, systemActor('program-records'), object('enrollment'), {
      where: { partnerContact: contact.id, course: courses[0].id },
      limit: 1,
    });
    enrollments.push(...records);
  }
  return { courses, contacts, enrollments };
}

interface Handled {
  outcome: 'recorded' | 'ignored' | 'repeated';
  enrollmentId: string | null;
  certificationId: string | null;
}

async function recordStatement(
  tx: Tx,
  now: Date,
  actor: Actor,
  statement: XapiStatement,
  where: string,
): Promise<Handled> {
  const id = statement.id!.toLowerCase();
  const digest = digestOf(statement);
  const earlier = await tx.db.selectFrom('xapi_statement').selectAll().where('id', '=', id).executeTakeFirst();
  if (earlier) {
    if (earlier.digest !== digest)
      throw new HttpProblem(
        409,
        'statement-conflict',
        'A different statement has this id',
        `Statement ${id} was received before with other content; statements are immutable, so send the change under a new id.`,
        [{ field: `${where}.id`, message: 'was already used for a different statement' }],
      );
    return { outcome: 'repeated', enrollmentId: earlier.enrollment_id, certificationId: earlier.certification_id };
  }
  const context = await contextFor(tx, statement);
  const result = ingestStatement({ ...statement, id }, context, now.toISOString());
  if (result.outcome === 'rejected')
    throw badStatements(result.problems.map((p) => ({ ...p, field: `${where}.${p.field}` })));
  const handled: Handled = { outcome: result.outcome, enrollmentId: null, certificationId: null };
  if (result.outcome === 'recorded') {
    const before = context.enrollments.find((e) => e.id === result.enrollment.id)!;
    handled.enrollmentId = before.id;
    if (result.enrollment !== before) {
      const { status, completedAt, score, completionSource, statementId } = result.enrollment;
      await writeUpdate(
        tx,
        now,
        actor,
        object('enrollment'),
        before as never,
        before.version,
        { status, completedAt, score, completionSource, statementId },
        'xapi',
      );
    }
    // The certification is the program's to grant, as for a completion in the portal (actions/enablement.ts).
    if (result.certification) {
      const certification = await createRecord(tx, now, systemActor('certification-grant'), object('certification'), {
        ...result.certification,
      });
      handled.certificationId = certification.id;
    }
  }
  await tx.db
    .insertInto('xapi_statement')
    .values({
      id,
      digest,
      outcome: handled.outcome,
      enrollment_id: handled.enrollmentId,
      certification_id: handled.certificationId,
      received_by: actor.userId,
      received_at: now.toISOString(),
    })
    .execute();
  return handled;
}

/** Records a request's statements in one transaction and answers their ids, as the LMS sent them. */
async function receiveStatements(
  doors: Doors,
  actor: Actor,
  request: FastifyRequest,
  idFromQuery?: string,
): Promise<string[]> {
  requireVersion(request);
  const statements = parseBatch(request.body, idFromQuery);
  const batch = Array.isArray(request.body);
  const now = doors.now();
  await doors.inTransaction(async (tx) => {
    for (const [i, statement] of statements.entries())
      await recordStatement(tx, now, actor, statement, batch ? `statement[${i}]` : 'statement');
  });
  return statements.map((statement) => statement.id!);
}

export async function registerXapiRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  const versioned = (reply: FastifyReply) => reply.header('X-Experience-API-Version', xapiVersion);
  app.get('/xapi/about', async (_request, reply) => versioned(reply).send({ version: [xapiVersion] }));
  app.post('/xapi/statements', async (request, reply) => {
    versioned(reply);
    const actor = await lmsActor(doors, request, reply);
    return reply.send(await receiveStatements(doors, actor, request));
  });
  app.put('/xapi/statements', async (request, reply) => {
    versioned(reply);
    const actor = await lmsActor(doors, request, reply);
    const statementId = (request.query as { statementId?: string }).statementId;
    if (!statementId)
      throw new HttpProblem(
        400,
        'bad-request',
        'statementId is required',
        'PUT a statement with ?statementId=<its UUID>.',
        [{ field: 'statementId', message: 'is required' }],
      );
    if (Array.isArray(request.body))
      throw badStatements([{ field: 'statement', message: 'PUT takes one statement; POST an array' }]);
    await receiveStatements(doors, actor, request, statementId);
    return reply.code(204).send();
  });
}
