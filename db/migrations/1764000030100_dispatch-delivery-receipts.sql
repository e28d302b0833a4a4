-- Up Migration
-- Delivery receipts: the trace's last stage ("callback"). SMS providers push a receipt per message some seconds after
-- they accepted it (Tencent: 短信下发状态回调, Aliyun: SmsReport). services/dispatcher/README.md "Delivery receipts".

-- What the receipts say about a sent message: delivered / undelivered, or unknown (sent, no receipt yet or none to
-- come); null while it is not sent. An app webhook's 2xx answer counts as delivered when it is recorded sent.
ALTER TABLE dispatch.messages
  ADD COLUMN delivery_status text CHECK (delivery_status IN ('delivered', 'undelivered', 'unknown')),
  -- the receipt's own time (the handset's receive time or the provider's report time), else when it arrived
  ADD COLUMN delivered_at timestamptz,
  ADD COLUMN delivery_error text;

-- a receipt names its message by the provider's id only (Tencent sid = SerialNo, Aliyun biz_id = BizId)
CREATE INDEX messages_provider_message_idx ON dispatch.messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
-- the search by "未送达": few rows, read newest first
CREATE INDEX messages_undelivered_idx ON dispatch.messages (created_at) WHERE delivery_status = 'undelivered';

-- Every receipt item as it arrived, once: `fingerprint` (sha256 of the provider's fields) makes a replayed push a
-- no-op. `state`: pending (no sent message with this provider id yet — a receipt may overtake our own send record),
-- applied (the message and its trace were updated), unknown (no message matched within the grace period).
CREATE TABLE dispatch.delivery_receipts (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider            text NOT NULL CHECK (provider IN ('sms_aliyun', 'sms_tencent')),
  provider_message_id text NOT NULL CHECK (length(provider_message_id) BETWEEN 1 AND 200),
  -- Aliyun's out_id: our trace id as we sent it (OutId); checked against the message matched by biz_id
  out_id              text,
  fingerprint         text NOT NULL,
  delivered           boolean NOT NULL,
  reported_at         timestamptz,
  error_code          text,
  error               text,
  -- the provider's fields without the phone number (the message row has the recipient)
  detail              jsonb NOT NULL,
  state               text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'unknown')),
  message_id          bigint,
  received_at         timestamptz NOT NULL DEFAULT now(),
  settled_at          timestamptz,
  UNIQUE (provider, fingerprint)
);
CREATE INDEX delivery_receipts_pending_idx ON dispatch.delivery_receipts (received_at) WHERE state = 'pending';
CREATE INDEX delivery_receipts_received_idx ON dispatch.delivery_receipts (received_at);

-- Down Migration
DROP TABLE dispatch.delivery_receipts;
DROP INDEX dispatch.messages_undelivered_idx;
DROP INDEX dispatch.messages_provider_message_idx;
ALTER TABLE dispatch.messages DROP COLUMN delivery_error, DROP COLUMN delivered_at, DROP COLUMN delivery_status;
