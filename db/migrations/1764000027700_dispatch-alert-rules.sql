-- Up Migration
-- Which raised alerts (dashboard, contacts-sync: event `alert.raised`) go to whom: a rule matches an alert by kind
-- (null = every kind), minimum severity and class (null = every class), and sends it with its template to each of
-- its recipients. Edited on the dispatcher's page (staff), read by the alert consumer.
CREATE TABLE dispatch.alert_rules (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind         text CHECK (kind IN ('silent_parent', 'churn_risk', 'slow_response', 'keyword')),
  min_severity text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('info', 'warning', 'critical')),
  -- crm.classes (id); no foreign key across owners: a class removed later leaves a rule that matches nothing
  class_id     bigint,
  template_id  bigint NOT NULL REFERENCES dispatch.templates (id),
  recipients   text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 50),
  priority     smallint NOT NULL DEFAULT 7 CHECK (priority BETWEEN 0 AND 10),
  active       boolean NOT NULL DEFAULT true,
  created_by   bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  updated_by   bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alert_rules_name_key ON dispatch.alert_rules (lower(name));

-- One row per (alert, rule) the consumer handled: the guard that makes a redelivered `alert.raised` write nothing,
-- and what the digest counts (alerts of one rule and kind within the window) and lists. `batch_id` is the batch of
-- the messages it went out in — its own, or the digest's it was folded into (held until the window ends).
CREATE TABLE dispatch.alert_deliveries (
  alert_id    bigint NOT NULL,
  rule_id     bigint NOT NULL REFERENCES dispatch.alert_rules (id) ON DELETE CASCADE,
  kind        text NOT NULL,
  severity    text NOT NULL,
  title       text NOT NULL,
  class_label text,
  batch_id    uuid NOT NULL,
  digested    boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_id, rule_id)
);
CREATE INDEX alert_deliveries_window_idx ON dispatch.alert_deliveries (rule_id, kind, received_at);

-- Down Migration
DROP TABLE dispatch.alert_deliveries;
DROP TABLE dispatch.alert_rules;
