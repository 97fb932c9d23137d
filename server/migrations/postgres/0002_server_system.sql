-- Written by hand: the server's own tables (people who sign in, sessions, tokens, idempotency keys,
-- durable jobs, the audit log). They are not PRM objects, so they are not in the schema.

create table "app_user" (
  "id" varchar(64) primary key,
  "email" varchar(254) not null unique,
  "name" varchar(121) not null,
  "role" varchar(40) not null,
  "partner_id" varchar(64) references "partner" ("id") on delete restrict,
  "password_hash" text,
  "active" boolean default true not null,
  "external_id" varchar(255) unique,
  "created_at" timestamptz not null,
  "updated_at" timestamptz not null
);

create table "session" (
  "id_hash" varchar(64) primary key,
  "user_id" varchar(64) not null references "app_user" ("id") on delete cascade,
  "expires_at" timestamptz not null,
  "created_at" timestamptz not null
);

create index "session_user_id_idx" on "session" ("user_id");

create table "api_token" (
  "id" varchar(64) primary key,
  "token_hash" varchar(64) not null unique,
  "user_id" varchar(64) not null references "app_user" ("id") on delete cascade,
  "name" varchar(120) not null,
  "created_at" timestamptz not null,
  "last_used_at" timestamptz
);

create table "idempotency_key" (
  "user_id" varchar(64) not null,
  "key" varchar(255) not null,
  "method" varchar(10) not null,
  "path" text not null,
  "request_hash" varchar(64) not null,
  "status_code" integer,
  "response_body" text,
  "created_at" timestamptz not null,
  primary key ("user_id", "key")
);

create table "job" (
  "id" varchar(64) primary key,
  "kind" varchar(60) not null,
  "run_at" timestamptz not null,
  "payload" text not null,
  "status" varchar(20) default 'pending' not null,
  "attempts" integer default 0 not null,
  "last_error" text,
  "locked_until" timestamptz,
  "dedupe_key" varchar(255) unique,
  "created_at" timestamptz not null,
  "finished_at" timestamptz
);

create index "job_due_idx" on "job" ("status", "run_at");

create table "audit_log" (
  "id" bigserial primary key,
  "at" timestamptz not null,
  "actor_id" varchar(64),
  "actor_role" varchar(40),
  "object" varchar(60) not null,
  "record_id" varchar(64) not null,
  "action" varchar(40) not null,
  "before" jsonb,
  "after" jsonb
);

create index "audit_log_record_idx" on "audit_log" ("object", "record_id");

create table "name_counter" (
  "object" varchar(60) primary key,
  "value" bigint not null
);
