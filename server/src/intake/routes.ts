/**
 * The intake door's HTTP routes: the channel admin's senders (register, list, rotate the secret,
 * delete, see recent events) and POST /api/intake/:sender, where a sender delivers signed events.
 * The delivery route has no session: the signature is its authentication.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireChannelAdmin as channelAdminOnly, type Actor } from '../auth/policy.ts';
import type { Doors } from '../http/doors.ts';
import { HttpProblem } from '../http/problems.ts';
import {
  createSender,
  deleteSender,
  getSender,
  listSenders,
  parseNewSender,
  rotateSecret,
  senderForDelivery,
  senderName,
  noSuchSender,
} from './senders.ts';
import { verifiers } from './verify.ts';
import { parseEnvelope, receiveEvent, recentEvents } from './intake.ts';

function requireChannelAdmin(doors: Doors, request: FastifyRequest): Actor {
  return channelAdminOnly(doors.requireActor(request), 'manage intake senders');
}

/** The sender named in the path, checked before it reaches a query. */
function nameIn(request: FastifyRequest): string {
  const params = request.params as { name?: string; sender?: string };
  const name = String(params.name ?? params.sender);
  if (!senderName.safeParse(name).success) throw noSuchSender(name);
  return name;
}

async function registerSenderAdmin(app: FastifyInstance, doors: Doors): Promise<void> {
  const base = '/api/intake/senders';
  app.post(base, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    const input = parseNewSender(request.body);
    const made = await doors.inTransaction((tx) => createSender(tx, doors.secrets(), doors.now(), actor, input));
    return reply
      .code(201)
      .header('Location', `${base}/${made.sender.name}`)
      .header('Cache-Control', 'no-store')
      .send({ ...made.sender, secret: made.secret, intakeUrl: `/api/intake/${made.sender.name}` });
  });
  app.get(base, async (request) => {
    requireChannelAdmin(doors, request);
    return { data: await listSenders(doors.read) };
  });
  app.get(`${base}/:name`, async (request) => {
    requireChannelAdmin(doors, request);
    return getSender(doors.read, nameIn(request));
  });
  app.delete(`${base}/:name`, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    const name = nameIn(request);
    await doors.inTransaction((tx) => deleteSender(tx, doors.now(), actor, name));
    return reply.code(204).send();
  });
  app.post(`${base}/:name/rotate-secret`, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    const name = nameIn(request);
    const rotated = await doors.inTransaction((tx) => rotateSecret(tx, doors.secrets(), doors.now(), actor, name));
    return reply.header('Cache-Control', 'no-store').send({ ...rotated.sender, secret: rotated.secret });
  });
  app.get(`${base}/:name/events`, async (request) => {
    requireChannelAdmin(doors, request);
    const name = nameIn(request);
    const limit = Number((request.query as { limit?: string }).limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new HttpProblem(400, 'bad-request', 'limit is not valid', 'limit must be a whole number from 1 to 200.', [
        { field: 'limit', message: 'must be a whole number from 1 to 200' },
      ]);
    const tx = doors.read;
    await getSender(tx, name);
    return { data: await recentEvents(tx, name, limit) };
  });
}

/**
 * Deliveries are read as raw bytes, in a scope of their own so the rest of the API keeps its JSON
 * parser: the signature covers the bytes as sent, and parsing then re-serialising could change them.
 */
async function registerDeliveries(app: FastifyInstance, doors: Doors): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post('/api/intake/:sender', async (request, reply) => {
      const name = nameIn(request);
      const now = doors.now();
      const found = await senderForDelivery(doors.read, doors.secrets(), now, name);
      if (!found) throw noSuchSender(name);
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verify = verifiers[found.sender.scheme];
      // A sender registered with a scheme this server no longer knows must fail loudly, never pass unverified.
      if (!verify) throw new Error(`Intake sender ${name} uses the unknown signature scheme ${found.sender.scheme}.`);
      const { eventId } = verify({ rawBody, headers: request.headers }, found.secrets, now);
      const envelope = parseEnvelope(rawBody.toString('utf8'));
      const answer = await doors.inTransaction((tx) => receiveEvent(tx, now, name, eventId, envelope));
      return reply.code(answer.status).send(answer.body);
    });
  });
}

export async function registerIntakeRoutes(app: FastifyInstance, doors: Doors): Promise<void> {
  await registerSenderAdmin(app, doors);
  await registerDeliveries(app, doors);
}
