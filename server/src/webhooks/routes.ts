/**
 * The webhook subscriptions API, for the channel admin only: subscribe, change, delete, rotate the
 * signing secret, replay events, read the delivery log. Every other role gets 403 (the policy's answer for a door
 * that is the program owner's alone).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireChannelAdmin as channelAdminOnly, type Actor } from '../auth/policy.ts';
import type { Doors } from '../http/doors.ts';
import { forgetSubscriptions } from './outbox.ts';
import { dispatcherSettingsFromEnv } from './delivery.ts';
import { parseReplay, replayEvents } from './replay.ts';
import type { SubscriberAddresses } from './ssrf.ts';
import {
  createSubscription,
  deleteSubscription,
  deliveryLog,
  deliveryLogQuery,
  getSubscription,
  listSubscriptions,
  newSubscriptionInput,
  parseInput,
  rotateSecret,
  subscriptionChanges,
  updateSubscription,
} from './subscriptions.ts';

const base = '/api/webhooks/subscriptions';

function requireChannelAdmin(doors: Doors, request: FastifyRequest): Actor {
  return channelAdminOnly(doors.requireActor(request), 'manage webhook subscriptions');
}

const idIn = (request: FastifyRequest): string => String((request.params as { id: string }).id);

export interface WebhookRouteOptions {
  /** Defaults to the environment (PRM_WEBHOOKS_ALLOW_PRIVATE); tests pass their own. */
  addresses?: SubscriberAddresses;
}

export async function registerWebhookRoutes(
  app: FastifyInstance,
  doors: Doors,
  options: WebhookRouteOptions = {},
): Promise<void> {
  const addresses = options.addresses ?? dispatcherSettingsFromEnv().addresses;
  // Subscription changes drop the outbox's cache inside the transaction and again after it committed,
  // so no cache read in between keeps the old state for long.
  const change = async <T>(work: Parameters<Doors['inTransaction']>[0]): Promise<T> => {
    try {
      return (await doors.inTransaction(async (tx) => {
        forgetSubscriptions(doors.store.db);
        return work(tx);
      })) as T;
    } finally {
      forgetSubscriptions(doors.store.db);
    }
  };

  app.post(base, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    const input = parseInput(newSubscriptionInput, request.body);
    const made = await change<Awaited<ReturnType<typeof createSubscription>>>((tx) =>
      createSubscription(tx, doors.secrets(), doors.now(), addresses, input, actor),
    );
    return reply
      .code(201)
      .header('Location', `${base}/${made.subscription.id}`)
      .header('Cache-Control', 'no-store')
      .send({ ...made.subscription, secret: made.secret });
  });
  app.get(base, async (request) => {
    requireChannelAdmin(doors, request);
    return { data: await listSubscriptions(doors.read) };
  });
  app.get(`${base}/:id`, async (request) => {
    requireChannelAdmin(doors, request);
    return getSubscription(doors.read, idIn(request));
  });
  app.patch(`${base}/:id`, async (request) => {
    const actor = requireChannelAdmin(doors, request);
    const changes = parseInput(subscriptionChanges, request.body);
    return change((tx) => updateSubscription(tx, doors.now(), addresses, idIn(request), changes, actor));
  });
  app.delete(`${base}/:id`, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    await change((tx) => deleteSubscription(tx, idIn(request), doors.now(), actor));
    return reply.code(204).send();
  });
  app.post(`${base}/:id/rotate-secret`, async (request, reply) => {
    const actor = requireChannelAdmin(doors, request);
    const rotated = await change<Awaited<ReturnType<typeof rotateSecret>>>((tx) =>
      rotateSecret(tx, doors.secrets(), doors.now(), idIn(request), actor),
    );
    return reply.header('Cache-Control', 'no-store').send({ ...rotated.subscription, secret: rotated.secret });
  });
  app.post(`${base}/:id/replay`, async (request, reply) => {
    requireChannelAdmin(doors, request);
    const replay = parseReplay(request.body);
    const queued = await doors.inTransaction((tx) => replayEvents(tx, doors.now(), idIn(request), replay));
    return reply.code(202).send(queued);
  });
  app.get(`${base}/:id/deliveries`, async (request) => {
    requireChannelAdmin(doors, request);
    return deliveryLog(doors.read, idIn(request), parseInput(deliveryLogQuery, request.query));
  });
}
