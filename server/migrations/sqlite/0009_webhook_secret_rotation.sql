-- Written by hand: after a subscription's secret is rotated, deliveries are signed with the previous
-- secret too until it expires (Standard Webhooks allows several signatures), so a subscriber can
-- switch to the new secret without rejecting a delivery (server/src/webhooks/subscriptions.ts).
alter table "webhook_subscription" add column "previous_secret_sealed" text;
alter table "webhook_subscription" add column "previous_secret_expires_at" text;
