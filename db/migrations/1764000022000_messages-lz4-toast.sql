-- Up Migration
-- raw and payload (the record as jsonb, ~1.5 KB each in the demo archive) make most rows longer than the 2 KB TOAST
-- threshold, so every loaded row is compressed. lz4 compresses several times faster than the default pglz at about
-- the same size (https://www.postgresql.org/docs/15/storage-toast.html, "default_toast_compression"); only values
-- written from now on use it, and reads handle both. Metadata only: no rewrite.
ALTER TABLE chat.messages ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN payload SET COMPRESSION lz4;

-- Down Migration
ALTER TABLE chat.messages ALTER COLUMN raw SET COMPRESSION default, ALTER COLUMN payload SET COMPRESSION default;
