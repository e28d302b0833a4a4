-- Up Migration
-- Quiet hours of their own for a template and for an alert rule (a rule is how a group of recipients, e.g. the
-- principal's robot, is addressed): null = the global `quiet_hours` setting; {"enabled": false} = never held;
-- {"enabled": true, "start", "end", "bypassPriority"} = these hours (Beijing time) instead. The shape is checked by
-- the API (services/dispatcher src/contract.ts quietHoursOverrideSchema); the columns only refuse a non-object.
-- dispatch.templates.quiet_hours was laid down empty by 1764000026000_dispatch.sql for this slice.
ALTER TABLE dispatch.templates
  ADD CONSTRAINT templates_quiet_hours_object CHECK (quiet_hours IS NULL OR jsonb_typeof(quiet_hours) = 'object');
ALTER TABLE dispatch.alert_rules
  ADD COLUMN quiet_hours jsonb CONSTRAINT alert_rules_quiet_hours_object CHECK (quiet_hours IS NULL OR jsonb_typeof(quiet_hours) = 'object');

-- Down Migration
ALTER TABLE dispatch.alert_rules DROP COLUMN quiet_hours;
ALTER TABLE dispatch.templates DROP CONSTRAINT templates_quiet_hours_object;
