-- Written by hand: outgoing webhooks (server/src/webhooks). Subscriptions, the events written in the
-- same transaction as the change they announce (a transactional outbox), and one delivery per event
-- and subscription, which is also the delivery log.

create table "webhook_subscription" (
  "id" text primary key,
  "url" text not null,
  "description" text,
  "event_types" text not null,
  "secret_sealed" text not null,
  "active" integer default 1 not null,
  "disabled_reason" text,
  "lease_owner" text,
  "locked_until" text,
  "retry_at" text,
  "created_at" text not null,
  "updated_at" text not null
);

create table "webhook_event" (
  "id" text primary key,
  "type" text not null,
  "object" text not null,
  "record_id" text not null,
  "payload" text not null,
  "created_at" text not null
);

create table "webhook_delivery" (
  "id" integer primary key autoincrement,
  "event_id" text not null references "webhook_event" ("id") on delete cascade,
  "subscription_id" text not null references "webhook_subscription" ("id") on delete cascade,
  "status" text default 'pending' not null,
  "attempts" integer default 0 not null,
  "next_attempt_at" text not null,
  "last_status_code" integer,
  "last_error" text,
  "delivered_at" text,
  "created_at" text not null
);

create index "webhook_delivery_queue_idx" on "webhook_delivery" ("subscription_id", "status", "id");
