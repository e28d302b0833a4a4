import { randomUUID } from 'node:crypto';
import type { Queryable } from '@doitcrm/kit';
import { uniqueName } from '@doitcrm/kit/testing';

/**
 * Rows the monitor reads, written straight into the tables: the send API and the workers are built alongside, and
 * the monitor must read whatever they write in these shapes.
 */
export async function insertTemplate(db: Queryable, channel = 'sms', name = uniqueName('监控模板')): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO dispatch.templates (name, channel, subject, body) VALUES ($1, $2, CASE WHEN $2 = 'email' THEN 's' END, '{{x}}') RETURNING id", [name, channel]);
  return rows[0]!.id;
}

export interface MessageSeed {
  templateId: number;
  channel?: string;
  recipient?: string;
  status?: string;
  priority?: number;
  batchId?: string;
  attempts?: number;
  lastError?: string | null;
  /** seconds before now it was created, besides the one second every message is back-dated by so its events are all past */
  ageSeconds?: number;
  /** queued → sent, ms (sent messages) */
  latencyMs?: number;
}

export interface SeededMessage {
  id: number;
  traceId: string;
  batchId: string;
}

/** Inserts messages set-based and, for sent and failed ones, their queued and outcome trace events. */
export async function insertMessages(db: Queryable, seeds: MessageSeed[]): Promise<SeededMessage[]> {
  const batch = randomUUID();
  const { rows } = await db.query<SeededMessage>(
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::uuid[], $7::int[], $8::text[], $9::int[], $10::int[], $11::uuid[])
         AS i (template_id, channel, recipient, status, priority, batch_id, attempts, last_error, age, latency, trace_id)
     ), inserted AS (
       INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, priority, status, attempts, last_error, created_at, queued_at, sent_at, updated_at)
       SELECT batch_id, trace_id, template_id, channel, recipient, priority, status, attempts, last_error,
         now() - make_interval(secs => age + 1), now() - make_interval(secs => age + 1),
         CASE WHEN status = 'sent' THEN now() - make_interval(secs => age + 1) + make_interval(secs => latency / 1000.0) END,
         now() - make_interval(secs => age + 1)
       FROM input
       RETURNING id, trace_id, batch_id, status, created_at, sent_at, last_error
     ), queued AS (
       INSERT INTO dispatch.trace_events (message_id, trace_id, stage, at, detail)
       SELECT id, trace_id, 'queued', created_at, '{}'::jsonb FROM inserted
     ), outcome AS (
       INSERT INTO dispatch.trace_events (message_id, trace_id, stage, at, detail)
       SELECT id, trace_id, status, coalesce(sent_at, created_at + interval '50 milliseconds'),
         CASE WHEN status = 'failed' THEN jsonb_build_object('error', last_error, 'kind', 'permanent') ELSE jsonb_build_object('provider', 'fake') END
       FROM inserted WHERE status IN ('sent', 'failed')
     )
     SELECT id, trace_id AS "traceId", batch_id AS "batchId" FROM inserted ORDER BY id`,
    [
      seeds.map((seed) => seed.templateId), seeds.map((seed) => seed.channel ?? 'sms'), seeds.map((seed, index) => seed.recipient ?? `1390000${String(index).padStart(4, '0')}`),
      seeds.map((seed) => seed.status ?? 'sent'), seeds.map((seed) => seed.priority ?? 5), seeds.map((seed) => seed.batchId ?? batch),
      seeds.map((seed) => seed.attempts ?? 1), seeds.map((seed) => seed.lastError ?? (seed.status === 'failed' ? '模拟的永久失败' : null)),
      seeds.map((seed) => seed.ageSeconds ?? 0), seeds.map((seed) => seed.latencyMs ?? 120), seeds.map(() => randomUUID()),
    ]);
  return rows;
}
