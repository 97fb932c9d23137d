-- Written by hand: incoming webhooks and events (docs/integration/intake.md) and the xAPI statements
-- an LMS sends (docs/integration/xapi.md). Server tables, not PRM objects, so not in the schema.

-- Who may send events: a name in the intake URL, the signature scheme, and the shared secret sealed
-- with the server's secret box. After a rotation the previous secret is accepted until its deadline,
-- so the sender can switch over without losing deliveries.
create table "intake_sender" (
  "id" text primary key,
  "name" text not null unique,
  "scheme" text not null,
  "description" text,
  "secret_sealed" text not null,
  "previous_secret_sealed" text,
  "previous_secret_expires_at" text,
  "created_by" text,
  "created_at" text not null,
  "updated_at" text not null
);

-- Every event handled, once per sender and event id: a redelivery finds its row and does nothing.
-- Kept when the sender is deleted, so the history stays readable.
create table "intake_event" (
  "sender" text not null,
  "event_id" text not null,
  "type" text not null,
  "status" text not null,
  "result" text,
  "received_at" text not null,
  primary key ("sender", "event_id")
);

create index "intake_event_received_idx" on "intake_event" ("sender", "received_at");

-- Every xAPI statement accepted, by its id: a resend is recognised even when it changed nothing on an
-- enrollment, and a different statement under a used id is refused (xAPI 1.0.3, 409 Conflict).
create table "xapi_statement" (
  "id" text primary key,
  "digest" text not null,
  "outcome" text not null,
  "enrollment_id" text,
  "certification_id" text,
  "received_by" text not null,
  "received_at" text not null
);
