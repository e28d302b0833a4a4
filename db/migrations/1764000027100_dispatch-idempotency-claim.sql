-- Up Migration
-- Which request holds an in-flight Idempotency-Key claim. A claim whose process died is taken over once locked_until
-- passes; if the first process was only slow, not dead, both would write. Each claim gets its own token, and the
-- transaction that writes the messages also marks the key done only where the token is still its own, so exactly one
-- of them commits its messages.
ALTER TABLE dispatch.idempotency_keys ADD COLUMN claim_token uuid;

-- Down Migration
ALTER TABLE dispatch.idempotency_keys DROP COLUMN claim_token;
