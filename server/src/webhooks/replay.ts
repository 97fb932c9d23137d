/**
 * Replaying events to one subscription: one event, or every event of a time range that the
 * subscription's patterns cover, queued again behind what is already waiting for that endpoint. A
 * replay keeps each event's webhook-id (it is the same event), so a receiver that wants it processed
 * again must forget that id first; one that only lost a delivery simply gets it.
 */
import { z } from 'zod';
import { ValidationError } from '@prm/core/errors';
import type { Tx } from '../store/groupCommit.ts';
import { patternsMatch } from './events.ts';
import { outboxWritten } from './outbox.ts';
import { getSubscription, parseInput } from './subscriptions.ts';

/** More events than this in one range are refused: replay a shorter range, or several. */
export const replayLimit = 1000;

const instant = z.iso.datetime({ offset: true, message: 'must be a date-time, e.g. 2026-11-26T10:00:00Z' });

const oneEvent = z.strictObject({ eventId: z.string('is required: the id of an event (evt_...)').min(1).max(64) });
const timeRange = z.strictObject({ from: instant, to: instant });

export type ReplayRequest = z.infer<typeof oneEvent> | z.infer<typeof timeRange>;

/** `{eventId}` or `{from, to}`, each checked on its own so a problem names its field. */
export function parseReplay(body: unknown): ReplayRequest {
  const byEvent = body !== null && typeof body === 'object' && 'eventId' in body;
  return parseInput<ReplayRequest>(byEvent ? oneEvent : timeRange, body);
}

export async function replayEvents(
  tx: Tx,
  now: Date,
  subscriptionId: string,
  request: ReplayRequest,
): Promise<{ queued: number; eventIds: string[] }> {
  const subscription = await getSubscription(tx, subscriptionId);
  let events: { id: string; type: string }[];
  if ('eventId' in request) {
    const event = await tx.db
      .selectFrom('webhook_event')
      .select(['id', 'type'])
      .where('id', '=', request.eventId)
      .executeTakeFirst();
    if (!event) throw new ValidationError([{ field: 'eventId', message: 'names no event the server has sent' }]);
    if (!patternsMatch(subscription.eventTypes, event.type))
      throw new ValidationError([
        { field: 'eventId', message: `is a ${event.type} event, which this subscription does not subscribe to` },
      ]);
    events = [event];
  } else {
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (!(from < to)) throw new ValidationError([{ field: 'to', message: 'must be after from' }]);
    // In the order the events were first queued, as they were sent the first time.
    const rows = await tx.db
      .selectFrom('webhook_event as e')
      .select(['e.id', 'e.type'])
      .where('e.created_at', '>=', from.toISOString())
      .where('e.created_at', '<', to.toISOString())
      .orderBy('e.created_at')
      .orderBy((eb) =>
        eb
          .selectFrom('webhook_delivery as d')
          .select((d) => d.fn.min('d.id').as('first'))
          .whereRef('d.event_id', '=', 'e.id'),
      )
      .execute();
    events = rows.filter((event) => patternsMatch(subscription.eventTypes, event.type));
    if (events.length > replayLimit)
      throw new ValidationError([
        { field: 'to', message: `the range holds ${events.length} events; replay at most ${replayLimit} at once` },
      ]);
  }
  if (events.length === 0) return { queued: 0, eventIds: [] };
  const at = now.toISOString();
  await tx.db
    .insertInto('webhook_delivery')
    .values(
      events.map((event) => ({
        event_id: event.id,
        subscription_id: subscriptionId,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
      })),
    )
    .execute();
  await outboxWritten(tx);
  return { queued: events.length, eventIds: events.map((event) => event.id) };
}
