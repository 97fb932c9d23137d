-- Written by hand: the server's own tables (people who sign in, sessions, tokens, idempotency keys,
-- durable jobs, the audit log). They are not PRM objects, so they are not in the schema.

create table "app_user" (
  "id" text primary key,
  "email" text not null unique,
  "name" text not null,
  "role" text not null,
  "partner_id" text references "partner" ("id") on delete restrict,
  "password_hash" text,
  "active" integer default 1 not null,
  "external_id" text unique,
  "created_at" text not null,
  "updated_at" text not null
);

create table "session" (
  "id_hash" text primary key,
  "user_id" text not null references "app_user" ("id") on delete cascade,
  "expires_at" text not null,
  "created_at" text not null
);

create index "session_user_id_idx" on "session" ("user_id");

create table "api_token" (
  "id" text primary key,
  "token_hash" text not null unique,
  "user_id" text not null references "app_user" ("id") on delete cascade,
  "name" text not null,
  "created_at" text not null,
  "last_used_at" text
);

create table "idempotency_key" (
  "user_id" text not null,
  "key" text not null,
  "method" text not null,
  "path" text not null,
  "request_hash" text not null,
  "status_code" integer,
  "response_body" text,
  "created_at" text not null,
  primary key ("user_id", "key")
);

create table "job" (
  "id" text primary key,
  "kind" text not null,
  "run_at" text not null,
  "payload" text not null,
  "status" text default 'pending' not null,
  "attempts" integer default 0 not null,
  "last_error" text,
  "locked_until" text,
  "dedupe_key" text unique,
  "created_at" text not null,
  "finished_at" text
);

create index "job_due_idx" on "job" ("status", "run_at");

create table "audit_log" (
  "id" integer primary key autoincrement,
  "at" text not null,
  "actor_id" text,
  "actor_role" text,
  "object" text not null,
  "record_id" text not null,
  "action" text not null,
  "before" text,
  "after" text
);

create index "audit_log_record_idx" on "audit_log" ("object", "record_id");

create table "name_counter" (
  "object" text primary key,
  "value" integer not null
);
