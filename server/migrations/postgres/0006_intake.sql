-- Written by hand: incoming webhooks and events (docs/integration/intake.md) and the xAPI statements
-- an LMS sends (docs/integration/xapi.md). Server tables, not PRM objects, so not in the schema.

-- Who may send events: a name in the intake URL, the signature scheme, and the shared secret sealed
-- with the server's secret box. After a rotation the previous secret is accepted until its deadline,
-- so the sender can switch over without losing deliveries.
create table "intake_sender" (
  "id" varchar(64) primary key,
  "name" varchar(40) not null unique,
  "scheme" varchar(40) not null,
  "description" varchar(500),
  "secret_sealed" text not null,
  "previous_secret_sealed" text,
  "previous_secret_expires_at" timestamptz,
  "created_by" varchar(64),
  "created_at" timestamptz not null,
  "updated_at" timestamptz not null
);

-- Every event handled, once per sender and event id: a redelivery finds its row and does nothing.
-- Kept when the sender is deleted, so the history stays readable.
create table "intake_event" (
  "sender" varchar(40) not null,
  "event_id" varchar(255) not null,
  "type" varchar(120) not null,
  "status" varchar(20) not null,
  "result" jsonb,
  "received_at" timestamptz not null,
  primary key ("sender", "event_id")
);

create index "intake_event_received_idx" on "intake_event" ("sender", "received_at");

-- Every xAPI statement accepted, by its id: a resend is recognised even when it changed nothing on an
-- enrollment, and a different statement under a used id is refused (xAPI 1.0.3, 409 Conflict).
create table "xapi_statement" (
  "id" varchar(36) primary key,
  "digest" varchar(64) not null,
  "outcome" varchar(20) not null,
  "enrollment_id" varchar(64),
  "certification_id" varchar(64),
  "received_by" varchar(64) not null,
  "received_at" timestamptz not null
);
