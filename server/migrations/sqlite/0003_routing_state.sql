-- Written by hand: lead routing's fairness state (weighted credits, round-robin positions, open
-- offers and period counts per partner), one row per program. It is the core's RoutingState as JSON,
-- read and written in the same transaction as the routing decision that changes it.

create table "routing_state" (
  "program_id" text primary key references "program" ("id") on delete cascade,
  "state" text not null,
  "updated_at" text not null
);
