-- Written by hand: single sign-on (OIDC) and SCIM provisioning. A SCIM client's own id for a user
-- (externalId) is kept apart from app_user.external_id, which holds the OIDC subject
-- (oidc:<issuer>|<sub>): the same person is known to the identity provider by both.

alter table "app_user" add column "scim_external_id" text;

alter table "app_user" add column "given_name" text;

alter table "app_user" add column "family_name" text;

create unique index "app_user_scim_external_id_idx" on "app_user" ("scim_external_id");

-- A sign-in under way: the browser holds a random id in a short-lived cookie, the server keeps
-- only its SHA-256 with the state, the nonce and the sealed PKCE verifier, for ten minutes.
create table "oidc_login" (
  "id_hash" text primary key,
  "state" text not null,
  "nonce" text not null,
  "code_verifier" text not null,
  "expires_at" text not null,
  "created_at" text not null
);
