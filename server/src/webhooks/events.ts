/**
 * What an audit entry announces to webhook subscribers: its event type and payload. Pure functions over
 * the entry, so every change of every object gets its event from one rule.
 */
import { randomUUID } from 'node:crypto';

export interface AuditEntry {
  object: string;
  recordId: string;
  action: string;
  before: unknown;
  after: unknown;
  at: Date;
}

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : null;

/** Event type words are letters, digits and underscores, so `object.*` patterns stay unambiguous. */
const word = (text: string): string => text.replace(/[^A-Za-z0-9_]+/g, '_');

/**
 * `partner.tier_changed` when a partner's tier moves; `<object>.<newStatus>` when a status moves (a
 * registration approved, an offer accepted, a claim paid); otherwise created/updated/deleted, or the
 * named action (`dealRegistration.protection_reminder`).
 */
export function eventTypeOf(entry: Pick<AuditEntry, 'object' | 'action' | 'before' | 'after'>): string {
  const before = asFields(entry.before);
  const after = asFields(entry.after);
  if (entry.object === 'partner' && before && after && 'tier' in after && before.tier !== after.tier)
    return 'partner.tier_changed';
  if (after && typeof after.status === 'string' && after.status !== before?.status && entry.action !== 'create')
    return `${entry.object}.${word(after.status)}`;
  if (entry.action === 'create') return `${entry.object}.created`;
  if (entry.action === 'update') return `${entry.object}.updated`;
  if (entry.action === 'delete') return `${entry.object}.deleted`;
  return `${entry.object}.${word(entry.action)}`;
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

export function webhookEvent(entry: AuditEntry, type = eventTypeOf(entry)): WebhookEvent {
  const record = entry.after ?? entry.before;
  const payload = {
    type,
    timestamp: entry.at.toISOString(),
    data: {
      object: entry.object,
      id: entry.recordId,
      action: entry.action,
      record,
      changed: changedFields(entry.before, entry.after),
    },
  };
  return { id: newEventId(), type, payload: JSON.stringify(payload) };
}

/** Whether a subscription's patterns (`*`, `object.*` or an exact type) cover the event type. */
export function patternsMatch(patterns: readonly string[], type: string): boolean {
  const object = type.slice(0, type.indexOf('.'));
  return patterns.some((pattern) => pattern === '*' || pattern === type || pattern === `${object}.*`);
}

export const eventPattern = /^(\*|[A-Za-z][A-Za-z0-9]*\.(\*|[A-Za-z0-9_]+))$/;
