-- Written by hand: invitations, the single-use links that let a provisioned user set a password
-- (identity/invitations.ts). Only the token's SHA-256 is kept; the token is shown once to the admin.
create table "user_invitation" (
  "id" text primary key,
  "user_id" text not null references "app_user" ("id") on delete cascade,
  "token_hash" text not null unique,
  "created_by" text,
  "created_at" text not null,
  "expires_at" text not null,
  "used_at" text
);
create index "user_invitation_user" on "user_invitation" ("user_id");
