-- Up Migration
-- AI summaries used to stream their text through the job's progress message, so every summary job row kept a copy
-- of the text outside the audited summary routes. The text is in insight.summaries (summary); the job rows keep
-- only their counters, result ({summaryId, messageCount, durationMs}) and error.
UPDATE ops.jobs
   SET message = CASE WHEN status = 'succeeded' THEN '总结完成' ELSE NULL END
 WHERE type = 'messages.summarize' AND message IS NOT NULL;

-- Down Migration
-- Nothing to restore: the removed copies were duplicates of insight.summaries.summary.
SELECT 1;
