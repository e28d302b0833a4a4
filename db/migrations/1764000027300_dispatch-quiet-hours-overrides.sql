-- Up Migration
-- Quiet hours of their own for a template and for an alert rule (a rule is how a group of recipients, e.g. the
-- principal's robot, is addressed): null / no row = the global `quiet_hours` setting; {"enabled": false} = never held;
-- {"enabled": true, "start", "end", "bypassPriority"} = these hours (Beijing time) instead. The shape is checked by
-- the API (services/dispatcher src/contract.ts quietHoursOverrideSchema); the columns only refuse a non-object.
-- dispatch.templates.quiet_hours was laid down empty by 1764000026000_dispatch.sql for this slice.
ALTER TABLE dispatch.templates
  ADD CONSTRAINT templates_quiet_hours_object CHECK (quiet_hours IS NULL OR jsonb_typeof(quiet_hours) = 'object');

-- An alert rule's own: a table beside dispatch.alert_rules rather than a column of it, because this migration's number
-- comes before 1764000027700_dispatch-alert-rules.sql (which creates that table) and checkOrder keeps them in order.
-- Hence no foreign key either: the rule's delete removes its row in the same transaction (manage-alert-rules.ts),
-- and rule ids are identities, never reused, so a row left by hand matches nothing.
CREATE TABLE dispatch.alert_rule_quiet_hours (
  rule_id     bigint PRIMARY KEY,
  quiet_hours jsonb NOT NULL CHECK (jsonb_typeof(quiet_hours) = 'object'),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE dispatch.alert_rule_quiet_hours;
ALTER TABLE dispatch.templates DROP CONSTRAINT templates_quiet_hours_object;
