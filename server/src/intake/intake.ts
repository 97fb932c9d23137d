/**
 * Receiving one verified event: read its envelope `{ "type": "...", "data": { ... } }`, claim its id,
 * and hand it to the handler for its type, all in one transaction. The claim is a row keyed by sender
 * and event id, so a redelivery finds it and does nothing; when the handler refuses the data the
 * transaction rolls back and the id stays free, so the sender can correct the event and send it again.
 */
import { halfCharacters } from '../http/textBody.ts';
import { ValidationError } from '@prm/core/errors';
import { HttpProblem } from '../http/problems.ts';
import type { Tx } from '../store/repository.ts';
import { eventHandler, senderActor, type EventResult } from './handlers.ts';

export interface EventEnvelope {
  type: string;
  data: Record<string, unknown>;
}

export interface IntakeAnswer {
  status: 200 | 202;
  body: { eventId: string; duplicate?: true; accepted?: true; handled?: boolean; result?: EventResult };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The envelope, or a problem naming what is wrong with it. Called only on a body whose signature held. */
export function parseEnvelope(body: string): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new HttpProblem(400, 'bad-request', 'The body is not JSON', (error as Error).message, [
      { field: 'body', message: 'must be a JSON object { "type": "...", "data": { ... } }' },
    ]);
  }
  if (!isObject(json))
    throw new ValidationError([
      { field: '(body)', message: 'must be a JSON object { "type": "...", "data": { ... } }' },
    ]);
  // Half a character would be stored as U+FFFD: refused naming the field, as the JSON API refuses it.
  const problems = halfCharacters(json);
  if (typeof json.type !== 'string' || !/^[A-Za-z][A-Za-z0-9_.:-]{0,119}$/.test(json.type))
    problems.push({
      field: 'type',
      message: 'must be the event type, such as salesOrder.upserted (at most 120 characters)',
    });
  if (!isObject(json.data)) problems.push({ field: 'data', message: 'must be a JSON object' });
  if (problems.length) throw new ValidationError(problems);
  return { type: json.type as string, data: json.data as Record<string, unknown> };
}

/** The handler's field names are the data's: the sender sees them where it put them, `data.amount`. */
function underData(error: unknown): never {
  if (error instanceof ValidationError)
    throw new ValidationError(error.problems.map((problem) => ({ ...problem, field: `data.${problem.field}` })));
  throw error;
}

export async function receiveEvent(
  tx: Tx,
  now: Date,
  sender: string,
  eventId: string,
  envelope: EventEnvelope,
): Promise<IntakeAnswer> {
  const claimed = await tx.db
    .insertInto('intake_event')
    .values({
      sender,
      event_id: eventId,
      type: envelope.type,
      status: 'received',
      result: null,
      received_at: now.toISOString(),
    })
    .onConflict((conflict) => conflict.columns(['sender', 'event_id']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return { status: 200, body: { eventId, duplicate: true } };

  const handler = eventHandler(envelope.type);
  const result = handler
    ? await handler({ tx, now, actor: senderActor(sender) }, envelope.data).catch(underData)
    : undefined;
  await tx.db
    .updateTable('intake_event')
    .set({ status: handler ? 'processed' : 'unhandled', result: result === undefined ? null : JSON.stringify(result) })
    .where('sender', '=', sender)
    .where('event_id', '=', eventId)
    .execute();
  return handler
    ? { status: 200, body: { eventId, accepted: true, handled: true, result } }
    : { status: 202, body: { eventId, accepted: true, handled: false } };
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  status: string;
  result: unknown;
  receivedAt: string;
}

/** The latest events from a sender, newest first, for the admin to see what arrived and what it did. */
export async function recentEvents(tx: Tx, sender: string, limit: number): Promise<RecordedEvent[]> {
  const rows = await tx.db
    .selectFrom('intake_event')
    .selectAll()
    .where('sender', '=', sender)
    .orderBy('received_at', 'desc')
    .orderBy('event_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    eventId: row.event_id,
    type: row.type,
    status: row.status,
    result: typeof row.result === 'string' ? JSON.parse(row.result) : row.result,
    receivedAt: new Date(row.received_at).toISOString(),
  }));
}
