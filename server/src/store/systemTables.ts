/**
 * The server's own tables, typed by hand beside the generated ones (store/generated/database.ts):
 * they are created by the hand-written migrations (server/migrations/<dialect>/0002_server_system.sql
 * and later), not by the PRM schema, so no generator knows them. A column is typed as both stores give
 * it back: SQLite's 0/1 or PostgreSQL's boolean for a flag, JSON text or PostgreSQL's parsed jsonb.
 * Change a migration, change its table here.
 */
import type { Generated, Selectable } from 'kysely';

/** 0002: people who sign in (also provisioned by SCIM and OIDC, 0007). */
export interface AppUserTable {
  id: string;
  email: string;
  name: string;
  role: string;
  partner_id: string | null;
  password_hash: string | null;
  active: Generated<number | boolean>;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  scim_external_id: string | null;
  given_name: string | null;
  family_name: string | null;
}

/** A person who signs in, as read from the store. */
export type AppUserRow = Selectable<AppUserTable>;

export interface SessionTable {
  id_hash: string;
  user_id: string;
  expires_at: string;
  created_at: string;
}

export interface ApiTokenTable {
  id: string;
  token_hash: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface JobTable {
  id: string;
  kind: string;
  run_at: string;
  /** JSON text. */
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  locked_until: string | null;
  dedupe_key: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface AuditLogTable {
  /** Assigned by the store in commit order; the conflict index's change feed reads by it. */
  id: Generated<number>;
  at: string;
  actor_id: string | null;
  actor_role: string | null;
  object: string;
  record_id: string;
  action: string;
  /** JSON text written; SQLite gives the text back, PostgreSQL (jsonb) the parsed value. */
  before: unknown;
  after: unknown;
}

export interface NameCounterTable {
  object: string;
  value: number;
}

/** 0003: lead routing's fairness state per program, the core's RoutingState as JSON. */
export interface RoutingStateTable {
  program_id: string;
  /** JSON text written; PostgreSQL (jsonb) gives back the parsed value. */
  state: unknown;
  updated_at: string;
}

/** 0005: outgoing webhooks. */
export interface WebhookSubscriptionTable {
  id: string;
  url: string;
  description: string | null;
  /** JSON text: the event types subscribed to. */
  event_types: string;
  secret_sealed: string;
  active: Generated<number | boolean>;
  disabled_reason: string | null;
  lease_owner: string | null;
  locked_until: string | null;
  retry_at: string | null;
  created_at: string;
  updated_at: string;
  /** 0009: the secret a rotation replaced, still signing beside the new one until it expires. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
}

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionTable>;

export interface WebhookEventTable {
  id: string;
  type: string;
  object: string;
  record_id: string;
  /** JSON text. */
  payload: string;
  created_at: string;
}

export interface WebhookDeliveryTable {
  id: Generated<number>;
  event_id: string;
  subscription_id: string;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** 0006: incoming webhooks and xAPI statements. */
export interface IntakeSenderTable {
  id: string;
  name: string;
  scheme: string;
  description: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface IntakeEventTable {
  sender: string;
  event_id: string;
  type: string;
  status: string;
  /** JSON text written; PostgreSQL (jsonb) gives back the parsed value. */
  result: unknown;
  received_at: string;
}

export interface XapiStatementTable {
  id: string;
  digest: string;
  outcome: string;
  enrollment_id: string | null;
  certification_id: string | null;
  received_by: string;
  received_at: string;
}

/** 0007: a single sign-on under way. */
export interface OidcLoginTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  expires_at: string;
  created_at: string;
}

/** 0008: one row per CSV file imported. */
export interface ImportFileTable {
  id: string;
  object: string;
  sha256: string;
  scope: string;
  file_name: string | null;
  actor_id: string | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  imported_at: string;
}

/** 0010: single-use links that let a provisioned user set a password; only the token's SHA-256 is kept. */
export interface UserInvitationTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** The migrations applied (store/migrate.ts creates it before the first migration). */
export interface PrmMigrationsTable {
  id: string;
  applied_at: string;
}

export interface SystemTables {
  app_user: AppUserTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  idempotency_key: IdempotencyKeyTable;
  job: JobTable;
  audit_log: AuditLogTable;
  name_counter: NameCounterTable;
  routing_state: RoutingStateTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_event: WebhookEventTable;
  webhook_delivery: WebhookDeliveryTable;
  intake_sender: IntakeSenderTable;
  intake_event: IntakeEventTable;
  xapi_statement: XapiStatementTable;
  oidc_login: OidcLoginTable;
  import_file: ImportFileTable;
  user_invitation: UserInvitationTable;
  prm_migrations: PrmMigrationsTable;
}
