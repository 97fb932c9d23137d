/**
 * The catalog of event types, derived from the schema: every object is `created`, `updated` and
 * `deleted`; an object with a status gets one event per status it can reach; a partner's tier move is
 * `partner.tierChanged`. Only what the schema cannot say is declared here: the notices (audit entries
 * that announce something about a record without changing it: a reminder, a tier evaluation) and the
 * objects kept outside the schema (users, webhook subscriptions).
 *
 * One grammar for every type: `<object>.<event>`, both lowerCamel; the event is the state the record
 * reached (a status, as the schema names it, in lowerCamel: `inReview`) or a past-tense verb.
 */
import type { PrmObject } from '@prm/core/schema/object';
import { prmObjects } from '@prm/core/schema/registry';

/** snake_case or kebab-case to lowerCamel: `in_review` → `inReview`, `rotate-secret` → `rotateSecret`. */
export const lowerCamel = (text: string): string =>
  text.replace(/[-_\s]+([A-Za-z0-9])/g, (_, letter: string) => letter.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');

/** A JSON Schema fragment (OpenAPI 3.1 uses JSON Schema 2020-12). */
type JsonSchema = Record<string, unknown>;

export interface Notice {
  object: string;
  /** The audit entry's action that announces it. */
  action: string;
  event: string;
  summary: string;
  /** What the event carries besides the record, each under its own name in `data`. */
  details: Record<string, JsonSchema>;
}

const tierProposal: JsonSchema = {
  type: 'object',
  description: 'The proposed tier move: from, to, action (upgrade, downgrade, keep), reasons and the grace period.',
};
const measured: JsonSchema = { type: 'object', description: 'What the evaluation measured (revenue, deals, people).' };

/** Audit entries that change nothing on the record; their event carries the record as it is. */
export const notices: readonly Notice[] = [
  {
    object: 'dealRegistration',
    action: 'protection-reminder',
    event: 'protectionReminderDue',
    summary: "The registration's protection window ends soon (a reminder is due).",
    details: {
      reminder: {
        type: 'object',
        description: 'daysBeforeEnd and protectionEndsAt of the reminder.',
        properties: { daysBeforeEnd: { type: 'integer' }, protectionEndsAt: { type: 'string' } },
      },
    },
  },
  {
    object: 'partner',
    action: 'tier-evaluation',
    event: 'tierEvaluated',
    summary: 'The daily evaluation proposed a tier for the partner (a manager decides; the tier is unchanged).',
    details: { proposal: tierProposal, measured },
  },
  {
    object: 'partner',
    action: 'tier-evaluation-failed',
    event: 'tierEvaluationFailed',
    summary: 'The daily evaluation could not propose a tier for the partner; `problems` says why.',
    details: { problems: { type: 'array', items: { type: 'object' } }, measured },
  },
  {
    object: 'partner',
    action: 'reject-tier-change',
    event: 'tierChangeRejected',
    summary: 'A manager rejected the proposed tier change; the partner keeps its tier.',
    details: { proposal: tierProposal, reason: { type: ['string', 'null'] } },
  },
];

/**
 * Changes that reach no new status but that subscribers want to hear by name; every other change
 * without a status move is `<object>.updated`, with `data.action` saying which action made it.
 */
export const namedChanges: readonly { object: string; action: string; event: string; summary: string }[] = [
  {
    object: 'lead',
    action: 'reroute',
    event: 'rerouted',
    summary: 'A declined or expired lead was offered to the next partner (its new offer is a leadOffer.created).',
  },
  {
    object: 'dealRegistration',
    action: 'extend',
    event: 'extended',
    summary: "A registration's protection window was extended.",
  },
];

export interface OutsideObject {
  name: string;
  label: string;
  /** Audit actions and the event each announces (an action already named as its event maps to itself). */
  actions: Record<string, string>;
  summaries: Record<string, string>;
  record: JsonSchema;
}

/** A webhook subscription as the API answers it and as its events carry it: never its secret. */
export const subscriptionSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    description: { type: ['string', 'null'] },
    eventTypes: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'], description: 'Why the server turned it off, if it did' },
    previousSecretExpiresAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'Until when the secret from before the last rotation still signs',
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

/**
 * Objects that are not in the PRM schema but whose changes are audited and announced: the people who
 * sign in (written by SCIM, single sign-on and invitations) and the webhook subscriptions themselves.
 */
export const outsideObjects: readonly OutsideObject[] = [
  {
    name: 'user',
    label: 'user',
    actions: {
      create: 'created',
      created: 'created',
      update: 'updated',
      updated: 'updated',
      deactivate: 'deactivated',
      deactivated: 'deactivated',
      delete: 'deleted',
      deleted: 'deleted',
      invite: 'invited',
      invited: 'invited',
    },
    summaries: {
      created: 'A user was provisioned (SCIM, single sign-on or by an admin).',
      updated: "A user's name, email, role or partner changed.",
      deactivated: 'A user was deactivated and can no longer sign in.',
      deleted: 'A user was deleted.',
      invited: 'A user was invited to set a password.',
    },
    record: {
      type: 'object',
      description: 'The user (never a password, token or invitation secret).',
      properties: {
        id: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        partnerId: { type: ['string', 'null'] },
        active: { type: 'boolean' },
      },
    },
  },
  {
    name: 'webhookSubscription',
    label: 'webhook subscription',
    actions: {
      create: 'created',
      update: 'updated',
      'rotate-secret': 'secretRotated',
      delete: 'deleted',
      disable: 'disabled',
    },
    summaries: {
      created: 'A webhook subscription was created.',
      updated: "A subscription's URL, event types, description or active flag changed.",
      secretRotated: "A subscription's signing secret was rotated (the secret itself is never sent).",
      deleted: 'A webhook subscription was deleted.',
      disabled: 'A subscription was disabled because its endpoint answered 410 Gone.',
    },
    record: { ...subscriptionSchema, description: 'The subscription (never its secret).' },
  },
];

/**
 * The field whose value is the record's status: `status`, or else the one picklist named `...Status`
 * (a lead's `routingStatus`).
 */
export function statusFieldOf(object: PrmObject): string | null {
  if (object.fields.status?.kind === 'picklist') return 'status';
  const named = Object.entries(object.fields).filter(
    ([name, field]) => name.endsWith('Status') && field.kind === 'picklist',
  );
  return named.length === 1 ? named[0][0] : null;
}

export interface EventTypeEntry {
  type: string;
  object: string;
  summary: string;
  /** The notice's named details, if the event is a notice. */
  details?: Record<string, JsonSchema>;
}

function schemaObjectEvents(object: PrmObject): EventTypeEntry[] {
  const label = object.label.toLowerCase();
  const events: EventTypeEntry[] = [
    { type: `${object.name}.created`, object: object.name, summary: `A ${label} was created (in whatever status).` },
    {
      type: `${object.name}.updated`,
      object: object.name,
      summary: `A ${label} changed without reaching a new status (data.action names what changed it).`,
    },
    { type: `${object.name}.deleted`, object: object.name, summary: `A ${label} was deleted.` },
  ];
  const statusField = statusFieldOf(object);
  const status = statusField ? object.fields[statusField] : null;
  if (status?.kind === 'picklist')
    for (const value of status.values)
      events.push({
        type: `${object.name}.${lowerCamel(value.value)}`,
        object: object.name,
        summary: `A ${label}'s ${statusField} became ${value.value} (${value.label}).`,
      });
  if (object.name === 'partner' && object.fields.tier)
    events.push({ type: 'partner.tierChanged', object: 'partner', summary: "A partner's tier changed." });
  return events;
}

/** Every event type the server can send, each once, in the schema's order. */
export function eventCatalog(schema: readonly PrmObject[] = prmObjects): EventTypeEntry[] {
  const entries = schema.flatMap(schemaObjectEvents);
  for (const notice of notices)
    entries.push({
      type: `${notice.object}.${notice.event}`,
      object: notice.object,
      summary: notice.summary,
      details: notice.details,
    });
  for (const change of namedChanges)
    entries.push({ type: `${change.object}.${change.event}`, object: change.object, summary: change.summary });
  for (const object of outsideObjects)
    for (const event of new Set(Object.values(object.actions)))
      entries.push({ type: `${object.name}.${event}`, object: object.name, summary: object.summaries[event] });
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.type) && seen.add(entry.type));
}

const catalogTypes = new Set(eventCatalog().map((entry) => entry.type));
const catalogObjects = new Set(eventCatalog().map((entry) => entry.object));

/** Why a subscription pattern can never match (a type not in the catalog), or null when it can. */
export function patternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  const [object, event] = pattern.split('.');
  if (!catalogObjects.has(object))
    return `names no object that has events ("${object}"); objects are named as in the API, e.g. dealRegistration`;
  if (event === '*' || catalogTypes.has(pattern)) return null;
  const close = [...catalogTypes]
    .filter((type) => type.startsWith(`${object}.`))
    .map((type) => type.slice(object.length + 1));
  return `is not an event type of ${object}; its types are ${close.join(', ')}`;
}
