-- Up Migration
-- A fallback that reaches the person (issue 16, WeCom → SMS): the caller may name where the fallback goes, since a
-- WeCom user id is no phone number. Null: the fallback goes to the recipient itself when its channel can take it, or
-- to a phone the contacts copy below knows.
ALTER TABLE dispatch.messages ADD COLUMN fallback_recipient text;

-- Phones of WeCom people, as contacts-sync tells them (event `contacts.phones`), kept by the dispatcher for its own
-- fallback look-up: contacts-sync owns the contacts schema, so the dispatcher keeps an event-fed copy instead of
-- reading its tables (their layout, and whether a number is kept at all, stay contacts-sync's to change).
-- `mobiles`: a staff member's mobile, or the remark mobiles of a customer (only a single one is ever used).
CREATE TABLE dispatch.contact_phones (
  wecom_id   text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('staff', 'customer')),
  mobiles    text[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE dispatch.contact_phones;
ALTER TABLE dispatch.messages DROP COLUMN fallback_recipient;
