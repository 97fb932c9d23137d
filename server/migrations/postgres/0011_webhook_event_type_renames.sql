-- Written by hand: the event types were renamed to one grammar (`<object>.<event>`, both lowerCamel;
-- docs/integration/webhooks.md). Subscriptions saved with the old names would silently stop matching,
-- so each old name is rewritten to the name its events now carry. Actions that no longer have a type
-- of their own are now `<object>.updated` events with `data.action` naming them.
update "webhook_subscription" set "event_types" = replace("event_types", '"partner.tier_changed"', '"partner.tierChanged"');
update "webhook_subscription" set "event_types" = replace("event_types", '"lead.route"', '"lead.offered"');
update "webhook_subscription" set "event_types" = replace("event_types", '"lead.reroute"', '"lead.rerouted"');
update "webhook_subscription" set "event_types" = replace("event_types", '"dealRegistration.extend"', '"dealRegistration.extended"');
update "webhook_subscription" set "event_types" = replace("event_types", '"dealRegistration.in_review"', '"dealRegistration.inReview"');
update "webhook_subscription" set "event_types" = replace("event_types", '"partnerApplication.in_review"', '"partnerApplication.inReview"');
update "webhook_subscription" set "event_types" = replace("event_types", '"onboardingTask.not_started"', '"onboardingTask.notStarted"');
update "webhook_subscription" set "event_types" = replace("event_types", '"enrollment.in_progress"', '"enrollment.inProgress"');
update "webhook_subscription" set "event_types" = replace("event_types", '"planAction.in_progress"', '"planAction.inProgress"');
update "webhook_subscription" set "event_types" = replace("event_types", '"dealRegistration.protection_reminder"', '"dealRegistration.protectionReminderDue"');
update "webhook_subscription" set "event_types" = replace("event_types", '"partner.tier_evaluation"', '"partner.tierEvaluated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"partner.reject_tier_change"', '"partner.tierChangeRejected"');
update "webhook_subscription" set "event_types" = replace("event_types", '"mdfBudget.approve_request"', '"mdfBudget.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"mdfAllocation.approve_request"', '"mdfAllocation.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"mdfBudget.pay_claim"', '"mdfBudget.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"mdfAllocation.pay_claim"', '"mdfAllocation.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"fundRequest.approve_claim"', '"fundRequest.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"planGoal.compute_progress"', '"planGoal.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"jointBusinessPlan.compute_progress"', '"jointBusinessPlan.updated"');
update "webhook_subscription" set "event_types" = replace("event_types", '"certification.renewal_reminder"', '"certification.updated"');
