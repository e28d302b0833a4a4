-- Up Migration
-- contacts-sync raises its health alerts (score < 60, > 5 errors a day, delay > 2 h) as alert.raised kind
-- 'sync_health' (services/contacts-sync/README.md "Health"): alert rules may name that kind too.
ALTER TABLE dispatch.alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE dispatch.alert_rules ADD CONSTRAINT alert_rules_kind_check
  CHECK (kind IN ('silent_parent', 'churn_risk', 'slow_response', 'keyword', 'sync_health'));

-- Down Migration
ALTER TABLE dispatch.alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE dispatch.alert_rules ADD CONSTRAINT alert_rules_kind_check
  CHECK (kind IN ('silent_parent', 'churn_risk', 'slow_response', 'keyword'));
