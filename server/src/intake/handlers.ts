/**
 * What an incoming event does, by its type. The ERP's revenue events are handled here; the CRM
 * connectors add their own types with registerEventHandler. A handler writes through the repository,
 * so validation, lookups and the audit log apply exactly as for a person, and it runs in the
 * transaction that records the event: it either happens with the record of it, or not at all.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { Actor } from '../auth/policy.ts';
import { createRecord, listRecords, updateRecord, type Tx } from '../store/repository.ts';

export interface EventContext {
  tx: Tx;
  now: Date;
  /** The sender acting, as the system: audited under `intake:<sender>`. */
  actor: Actor;
}

/** What the handler did, kept with the event and answered to the sender. */
export type EventResult = Record<string, unknown>;

export type EventHandler = (context: EventContext, data: Record<string, unknown>) => Promise<EventResult>;

const handlers = new Map<string, EventHandler>();

/** Adds the handler for an event type; a type has one handler, so a second registration is a mistake. */
export function registerEventHandler(type: string, handler: EventHandler): void {
  if (handlers.has(type)) throw new Error(`The intake already has a handler for events of type ${type}.`);
  handlers.set(type, handler);
}

export function eventHandler(type: string): EventHandler | undefined {
  return handlers.get(type);
}

/**
 * The integration a sender stands for, acting with the program administration's rights: an ERP may
 * write revenue for any partner, and the audit log says which sender did it.
 */
export function senderActor(sender: string): Actor {
  return {
    userId: `intake:${sender}`,
    name: `Intake sender ${sender}`,
    email: 'system@prm.invalid',
    role: 'channelAdmin',
    partnerId: null,
  };
}

/**
 * Creates or updates the record the external system knows by `externalIdField`, so a resent or later
 * version of the same order updates it rather than duplicating it.
 */
async function upsertByExternalId(
  { tx, now, actor }: EventContext,
  objectName: string,
  externalIdField: string,
  data: Record<string, unknown>,
): Promise<EventResult> {
  const object = objectNamed(prmObjects, objectName);
  const externalId = data[externalIdField];
  if (typeof externalId !== 'string' || externalId.trim() === '')
    throw new ValidationError([
      {
        field: externalIdField,
        message: `is required: the id the sending system gives the ${object.label.toLowerCase()}`,
      },
    ]);
  const { records } = await listRecords(tx, actor, object, { where: { [externalIdField]: externalId }, limit: 1 });
  const existing = records[0];
  if (existing) {
    const updated = await updateRecord(tx, now, actor, object, existing.id, existing.version, data);
    return { object: object.name, id: updated.id, action: 'updated', version: updated.version };
  }
  // The ERP's number is the record's name unless the event gives one.
  const created = await createRecord(tx, now, actor, object, { name: externalId, ...data });
  return { object: object.name, id: created.id, action: 'created', version: created.version };
}

registerEventHandler('salesOrder.upserted', (context, data) =>
  upsertByExternalId(context, 'salesOrder', 'erpOrderId', data),
);
registerEventHandler('invoice.upserted', (context, data) =>
  upsertByExternalId(context, 'invoice', 'erpInvoiceId', data),
);
