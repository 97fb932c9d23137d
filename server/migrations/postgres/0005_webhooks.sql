-- Written by hand: outgoing webhooks (server/src/webhooks). Subscriptions, the events written in the
-- same transaction as the change they announce (a transactional outbox), and one delivery per event
-- and subscription, which is also the delivery log.

create table "webhook_subscription" (
  "id" varchar(64) primary key,
  "url" text not null,
  "description" varchar(500),
  "event_types" text not null,
  "secret_sealed" text not null,
  "active" boolean default true not null,
  "disabled_reason" text,
  "lease_owner" varchar(64),
  "locked_until" timestamptz,
  "retry_at" timestamptz,
  "created_at" timestamptz not null,
  "updated_at" timestamptz not null
);

create table "webhook_event" (
  "id" varchar(64) primary key,
  "type" varchar(120) not null,
  "object" varchar(60) not null,
  "record_id" varchar(64) not null,
  "payload" text not null,
  "created_at" timestamptz not null
);

create table "webhook_delivery" (
  "id" bigserial primary key,
  "event_id" varchar(64) not null references "webhook_event" ("id") on delete cascade,
  "subscription_id" varchar(64) not null references "webhook_subscription" ("id") on delete cascade,
  "status" varchar(20) default 'pending' not null,
  "attempts" integer default 0 not null,
  "next_attempt_at" timestamptz not null,
  "last_status_code" integer,
  "last_error" text,
  "delivered_at" timestamptz,
  "created_at" timestamptz not null
);

create index "webhook_delivery_queue_idx" on "webhook_delivery" ("subscription_id", "status", "id");
