-- Up Migration
-- The dispatcher's hot path writes every message three times (accepted, claimed, sent) and three trace events for it;
-- every one of those updates is a non-HOT update (status is indexed), so each index on dispatch.messages and on
-- dispatch.trace_events costs an entry per write. These are the indexes no query needs at the width they had, and the
-- one foreign-key check that ran once per row of a 10,000-recipient batch. Measured in the README's Performance section.

-- Nothing reads dedupe_key in SQL: the dedupe window lives in Redis (packages/limits); the column is the record only.
DROP INDEX dispatch.messages_dedupe_idx;

-- The monitor's "by status" search and the backlog counts. A 'sent' search finds its page walking messages_created_idx
-- (nearly every row is sent), so sent rows — the bulk, and the last write of each message — stay out of this one.
DROP INDEX dispatch.messages_status_created_idx;
CREATE INDEX messages_status_created_idx ON dispatch.messages (status, created_at) WHERE status <> 'sent';

-- Read by message only for a message's first 'queued' event (the daily roll-up's queued → sent latency).
DROP INDEX dispatch.trace_events_message_idx;
CREATE INDEX trace_events_queued_message_idx ON dispatch.trace_events (message_id, at) WHERE stage = 'queued';

-- Read by stage only for outcomes (realtime rates, retries, the daily roll-up); queued, held, processing and callback
-- events are read by trace id.
DROP INDEX dispatch.trace_events_stage_at_idx;
CREATE INDEX trace_events_outcome_at_idx ON dispatch.trace_events (stage, at) WHERE stage IN ('sent', 'failed', 'retry', 'deferred', 'fallback');

-- messages.template_id → templates: the same guarantee as the foreign key, checked once per statement instead of once
-- per row (a batch has one template). The insert locks the templates it names (FOR KEY SHARE, as the foreign key's own
-- check does), so a delete either waits for the insert's commit and then finds its messages, or went first and the
-- insert finds no template and fails with the foreign key's error code.
ALTER TABLE dispatch.messages DROP CONSTRAINT messages_template_id_fkey;

CREATE FUNCTION dispatch.messages_template_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
BEGIN
  SELECT n.template_id INTO missing
  FROM (SELECT DISTINCT template_id FROM new_rows) n
  LEFT JOIN LATERAL (SELECT t.id FROM dispatch.templates t WHERE t.id = n.template_id FOR KEY SHARE) t ON true
  WHERE t.id IS NULL
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "messages" violates foreign key constraint "messages_template_id_fkey"'
      USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (template_id)=(%s) is not present in table "templates".', missing);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_template_exists AFTER INSERT ON dispatch.messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dispatch.messages_template_exists();

-- no code changes a message's template, but the guarantee holds for any statement that does
CREATE FUNCTION dispatch.message_template_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM dispatch.templates WHERE id = NEW.template_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insert or update on table "messages" violates foreign key constraint "messages_template_id_fkey"'
      USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (template_id)=(%s) is not present in table "templates".', NEW.template_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_template_changed AFTER UPDATE OF template_id ON dispatch.messages
  FOR EACH ROW WHEN (OLD.template_id IS DISTINCT FROM NEW.template_id) EXECUTE FUNCTION dispatch.message_template_exists();

-- The referenced side: a template with messages is not deleted (the foreign key's NO ACTION). Runs after the row lock,
-- so it sees the messages of an insert that held the template until its commit.
CREATE FUNCTION dispatch.templates_unused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM dispatch.messages WHERE template_id = OLD.id) THEN
    RAISE EXCEPTION 'update or delete on table "templates" violates foreign key constraint "messages_template_id_fkey" on table "messages"'
      USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "messages".', OLD.id);
  END IF;
  RETURN OLD;
END $$;

CREATE TRIGGER templates_unused BEFORE DELETE ON dispatch.templates
  FOR EACH ROW EXECUTE FUNCTION dispatch.templates_unused();

-- Down Migration
DROP TRIGGER templates_unused ON dispatch.templates;
DROP FUNCTION dispatch.templates_unused();
DROP TRIGGER messages_template_changed ON dispatch.messages;
DROP FUNCTION dispatch.message_template_exists();
DROP TRIGGER messages_template_exists ON dispatch.messages;
DROP FUNCTION dispatch.messages_template_exists();
ALTER TABLE dispatch.messages ADD CONSTRAINT messages_template_id_fkey FOREIGN KEY (template_id) REFERENCES dispatch.templates (id);
DROP INDEX dispatch.trace_events_outcome_at_idx;
CREATE INDEX trace_events_stage_at_idx ON dispatch.trace_events (stage, at);
DROP INDEX dispatch.trace_events_queued_message_idx;
CREATE INDEX trace_events_message_idx ON dispatch.trace_events (message_id, at);
DROP INDEX dispatch.messages_status_created_idx;
CREATE INDEX messages_status_created_idx ON dispatch.messages (status, created_at);
CREATE INDEX messages_dedupe_idx ON dispatch.messages (dedupe_key, sent_at) WHERE status = 'sent' AND dedupe_key IS NOT NULL;
