-- Written by hand: invitations, the single-use links that let a provisioned user set a password
-- (identity/invitations.ts). Only the token's SHA-256 is kept; the token is shown once to the admin.
create table "user_invitation" (
  "id" varchar(64) primary key,
  "user_id" varchar(64) not null references "app_user" ("id") on delete cascade,
  "token_hash" varchar(64) not null unique,
  "created_by" varchar(64),
  "created_at" timestamptz not null,
  "expires_at" timestamptz not null,
  "used_at" timestamptz
);
create index "user_invitation_user" on "user_invitation" ("user_id");
