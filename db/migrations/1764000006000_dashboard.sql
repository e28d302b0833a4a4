-- Up Migration
-- The dashboard's own rollups: every number the page shows is read from here, never summed over chat.messages per
-- request. Days are Beijing days. Rollups are rebuilt per day range (delete + recount), so a redelivered event or a
-- re-import of old days leaves exactly the right counts.
CREATE SCHEMA IF NOT EXISTS dashboard;

-- One row of settings (the engagement definition's parameters, thresholds, keywords).
CREATE TABLE dashboard.settings (
  id                        int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  -- a parent is active in a class when they sent a message in its group or (when this is on) 1:1 to its teachers
  engagement_include_direct boolean NOT NULL DEFAULT true,
  -- only text messages count as activity (off: images, voice, stickers count too)
  engagement_text_only      boolean NOT NULL DEFAULT false,
  silent_days               int NOT NULL DEFAULT 30 CHECK (silent_days BETWEEN 1 AND 365),
  heat_high                 int NOT NULL DEFAULT 80,
  heat_mid                  int NOT NULL DEFAULT 50,
  heat_low                  int NOT NULL DEFAULT 20,
  slow_response_minutes     int NOT NULL DEFAULT 240 CHECK (slow_response_minutes BETWEEN 1 AND 10080),
  alert_window_days         int NOT NULL DEFAULT 30 CHECK (alert_window_days BETWEEN 1 AND 365),
  keywords                  text[] NOT NULL DEFAULT ARRAY['退费', '投诉', '不满意'],
  updated_at                timestamptz NOT NULL DEFAULT now(),
  updated_by                bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  CHECK (heat_high > heat_mid AND heat_mid > heat_low AND heat_low > 0 AND heat_high <= 100)
);
INSERT INTO dashboard.settings (id) VALUES (1) ON CONFLICT DO NOTHING;

-- Who belongs to a class, derived from the roster and the mappings (rebuilt on roster.changed / mapping.changed).
CREATE TABLE dashboard.class_parents (
  class_id  int NOT NULL,
  parent_id text NOT NULL,
  PRIMARY KEY (class_id, parent_id)
);
CREATE INDEX class_parents_parent_idx ON dashboard.class_parents (parent_id);
CREATE TABLE dashboard.class_teachers (
  class_id   int NOT NULL,
  teacher_id text NOT NULL,
  PRIMARY KEY (class_id, teacher_id)
);
CREATE INDEX class_teachers_teacher_idx ON dashboard.class_teachers (teacher_id);
-- the class's group as the rollups last saw it: a relinked group means the class is recounted
CREATE TABLE dashboard.class_rooms (
  class_id int PRIMARY KEY,
  room_id  text NOT NULL UNIQUE
);

-- Every guardian of every student of every class, with the student's status in that class (the roster keeps it per
-- enrolment): what alerts and details start from.
CREATE VIEW dashboard.class_guardians AS
SELECT e.class_id, st.id AS student_id, st.name AS student_name, st.english_name, e.status,
       i.original_id AS parent_id, coalesce(i.business_name, i.wecom_nickname, i.original_id) AS parent_name,
       g.relation, g.is_primary
FROM crm.enrolments e
JOIN crm.students st ON st.id = e.student_id
JOIN crm.guardianships g ON g.student_id = st.id
JOIN crm.identities i ON i.id = g.identity_id AND i.id_type = 'user_id';

-- Per class, parent and day: what the parent sent in the class group and 1:1 to the class's teachers.
CREATE TABLE dashboard.parent_day (
  class_id        int NOT NULL,
  parent_id       text NOT NULL,
  day             date NOT NULL,
  group_sent      int NOT NULL,
  group_text      int NOT NULL,
  direct_sent     int NOT NULL,
  direct_text     int NOT NULL,
  -- teachers' 1:1 messages to the parent: contact, but not the parent's activity
  direct_received int NOT NULL,
  last_sent_at    timestamptz,
  last_contact_at timestamptz NOT NULL,
  -- the counts ride in the key's index, so a window's activity is read from the index alone
  PRIMARY KEY (class_id, day, parent_id) INCLUDE (group_sent, group_text, direct_sent, direct_text, direct_received)
);
CREATE INDEX parent_day_day_idx ON dashboard.parent_day (day);
CREATE INDEX parent_day_parent_idx ON dashboard.parent_day (class_id, parent_id);

-- Per class and parent, all time: the real last contact (alerts and class details read this, never the log).
CREATE TABLE dashboard.parent_last (
  class_id        int NOT NULL,
  parent_id       text NOT NULL,
  last_sent_at    timestamptz,
  last_contact_at timestamptz NOT NULL,
  PRIMARY KEY (class_id, parent_id)
);

-- Per class and day: messages of the class group plus 1:1 between its parents and teachers.
CREATE TABLE dashboard.class_day (
  class_id        int NOT NULL,
  day             date NOT NULL,
  messages        int NOT NULL,
  parent_messages int NOT NULL,
  staff_messages  int NOT NULL,
  last_at         timestamptz NOT NULL,
  PRIMARY KEY (class_id, day) INCLUDE (messages, parent_messages, staff_messages)
);
CREATE INDEX class_day_day_idx ON dashboard.class_day (day);

-- Per class and Beijing week (Monday): messages and distinct active parents, for the 12-month trends.
CREATE TABLE dashboard.class_week (
  class_id       int NOT NULL,
  week           date NOT NULL,
  messages       int NOT NULL,
  active_parents int NOT NULL,
  PRIMARY KEY (class_id, week)
);
CREATE INDEX class_week_week_idx ON dashboard.class_week (week);

-- One row per wait: a parent message that follows a staff message (or silence of more than 12 hours) in a class
-- conversation, with the first staff reply after it (NULL while unanswered).
CREATE TABLE dashboard.responses (
  class_id     int NOT NULL,
  asked_msgid  text NOT NULL,
  conversation text NOT NULL,
  parent_id    text NOT NULL,
  asked_at     timestamptz NOT NULL,
  day          date NOT NULL,
  reply_msgid  text,
  replied_by   text,
  replied_at   timestamptz,
  -- replied_at - asked_at, kept as seconds so medians need no interval arithmetic
  wait_seconds int,
  -- for 1:1 waits: the teacher asked (the one an unanswered wait belongs to)
  direct_teacher_id text,
  PRIMARY KEY (class_id, asked_msgid)
);
CREATE INDEX responses_class_day_idx ON dashboard.responses (class_id, day) INCLUDE (wait_seconds);
CREATE INDEX responses_day_idx ON dashboard.responses (day);
CREATE INDEX responses_asked_idx ON dashboard.responses (asked_at);

-- Parents' text messages in a class context that contain a configured keyword.
CREATE TABLE dashboard.keyword_hits (
  class_id  int NOT NULL,
  msgid     text NOT NULL,
  parent_id text NOT NULL,
  msgtime   timestamptz NOT NULL,
  day       date NOT NULL,
  room_id   text,
  keywords  text[] NOT NULL,
  excerpt   text NOT NULL,
  PRIMARY KEY (class_id, msgid)
);
CREATE INDEX keyword_hits_day_idx ON dashboard.keyword_hits (day);

-- Alerts, kept so they can be acknowledged and snoozed; an alert whose condition ends is resolved, not deleted.
CREATE TABLE dashboard.alerts (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('silent_parent', 'churn_risk', 'slow_response', 'keyword')),
  severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  dedupe_key      text NOT NULL UNIQUE,
  class_id        int,
  title           text NOT NULL,
  evidence        jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- the messages-page query (`?user=`, `?room=`, `?msg=`); the host is the viewer's
  evidence_query  text,
  last_contact_at timestamptz,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  evaluated_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  acked_at        timestamptz,
  acked_by        bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  snoozed_until   timestamptz,
  snoozed_by      bigint REFERENCES auth.users (id) ON DELETE SET NULL
);
CREATE INDEX alerts_open_idx ON dashboard.alerts (kind, raised_at DESC) WHERE resolved_at IS NULL;

-- How fresh the rollups are, and which import runs were applied (events arrive at least once).
CREATE TABLE dashboard.refresh_state (
  id               int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  full_built_at    timestamptz,
  refreshed_at     timestamptz,
  -- the newest message time the rollups include
  covered_until    timestamptz,
  alerts_evaluated_at timestamptz
);
INSERT INTO dashboard.refresh_state (id) VALUES (1) ON CONFLICT DO NOTHING;
CREATE TABLE dashboard.applied_runs (
  run_id     bigint PRIMARY KEY,
  from_day   date,
  to_day     date,
  duration_ms int NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP SCHEMA dashboard CASCADE;
