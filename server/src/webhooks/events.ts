/**
 * What an audit entry announces to webhook subscribers: its event type and payload. Pure functions over
 * the entry, so every change of every object gets its event from one rule (the types are listed in
 * catalog.ts, which derives them from the schema by the same rule).
 */
import { randomUUID } from 'node:crypto';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { lowerCamel, namedChanges, notices, outsideObjects, statusFieldOf } from './catalog.ts';
import type { AuditedChange } from '../store/auditHooks.ts';

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : null;

const noticeOf = (entry: Pick<AuditedChange, 'object' | 'action'>) =>
  notices.find((notice) => notice.object === entry.object && notice.action === entry.action);

const statusFields = new Map(
  prmObjects.map((object) => [object.name, statusFieldOf(objectNamed(prmObjects, object.name))]),
);

/**
 * In order: a notice's own name (`partner.tierEvaluated`); `created` for every creation, whatever status
 * it lands in; `deleted`; an outside object's named action (`user.deactivated`); `partner.tierChanged`
 * when a partner's tier moves; the new status when the status moves (`dealRegistration.approved`,
 * `lead.offered`); a named change's own name (`lead.rerouted`); otherwise `updated`, with `data.action`
 * saying which action made the change.
 */
export function eventTypeOf(entry: Pick<AuditedChange, 'object' | 'action' | 'before' | 'after' | 'record'>): string {
  const notice = noticeOf(entry);
  if (notice) return `${entry.object}.${notice.event}`;
  // A notice not (yet) declared in the catalog: named after its action.
  if (entry.record !== undefined) return `${entry.object}.${lowerCamel(entry.action)}`;
  const before = asFields(entry.before);
  const after = asFields(entry.after);
  if (before === null) return `${entry.object}.created`;
  if (after === null) return `${entry.object}.deleted`;
  const outside = outsideObjects.find((object) => object.name === entry.object)?.actions[entry.action];
  if (outside) return `${entry.object}.${outside}`;
  if (entry.object === 'partner' && 'tier' in after && before.tier !== after.tier) return 'partner.tierChanged';
  const statusField = statusFields.get(entry.object);
  const status = statusField ? after[statusField] : undefined;
  if (typeof status === 'string' && status !== before[statusField!]) return `${entry.object}.${lowerCamel(status)}`;
  const named = namedChanges.find((change) => change.object === entry.object && change.action === entry.action);
  return `${entry.object}.${named?.event ?? 'updated'}`;
}

/**
 * A creation that lands past its first status (a registration approved automatically as it is
 * registered) also announces that status, so a subscriber to `dealRegistration.approved` sees every
 * approval; null otherwise.
 */
export function landingStatusType(
  entry: Pick<AuditedChange, 'object' | 'action' | 'before' | 'after' | 'record'>,
): string | null {
  if (entry.before !== null || entry.record !== undefined || noticeOf(entry)) return null;
  const statusField = statusFields.get(entry.object);
  const object = prmObjects.find((candidate) => candidate.name === entry.object);
  const after = asFields(entry.after);
  if (!statusField || !object || !after || typeof after[statusField] !== 'string') return null;
  const field = object.fields[statusField];
  const first = field.kind === 'picklist' ? (field.default ?? field.values[0]?.value) : undefined;
  return after[statusField] === first ? null : `${entry.object}.${lowerCamel(after[statusField] as string)}`;
}

/** Field names whose values differ between before and after (every field of a creation or deletion). */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = asFields(before) ?? {};
  const b = asFields(after) ?? {};
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name])).sort();
}

export interface WebhookEvent {
  /** The webhook-id header: the same on every retry, so subscribers de-duplicate on it. */
  id: string;
  type: string;
  /** The exact bytes sent (and signed) on every attempt. */
  payload: string;
}

export function newEventId(): string {
  return `evt_${randomUUID().replace(/-/g, '')}`;
}

/** The names `data` always has; a notice's details must not take them. */
const envelope = ['object', 'id', 'action', 'record', 'changed'];

/**
 * The details a notice's event carries: those its writer named, else the entry's `after` under the
 * notice's one detail name (an entry from before details were named).
 */
function detailsOf(entry: AuditedChange): Record<string, unknown> {
  if (entry.details) return entry.details;
  if (!noticeOf(entry) && entry.record === undefined) return {};
  return asFields(entry.after) ?? { details: entry.after };
}

export function webhookEvent(entry: AuditedChange, type = eventTypeOf(entry)): WebhookEvent {
  const isNotice = entry.record !== undefined || noticeOf(entry) !== undefined;
  const details = isNotice ? detailsOf(entry) : {};
  const clash = Object.keys(details).find((name) => envelope.includes(name));
  if (clash) throw new Error(`An event's detail cannot be named "${clash}": data.${clash} is the event's own.`);
  const payload = {
    type,
    timestamp: entry.at.toISOString(),
    data: {
      object: entry.object,
      id: entry.recordId,
      action: entry.action,
      record: isNotice ? (entry.record ?? null) : (entry.after ?? entry.before),
      changed: isNotice ? [] : changedFields(entry.before, entry.after),
      ...details,
    },
  };
  return { id: newEventId(), type, payload: JSON.stringify(payload) };
}

/** Whether a subscription's patterns (`*`, `object.*` or an exact type) cover the event type. */
export function patternsMatch(patterns: readonly string[], type: string): boolean {
  const object = type.slice(0, type.indexOf('.'));
  return patterns.some((pattern) => pattern === '*' || pattern === type || pattern === `${object}.*`);
}

export const eventPattern = /^(\*|[a-z][A-Za-z0-9]*\.(\*|[a-z][A-Za-z0-9]*))$/;
