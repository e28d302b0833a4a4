import supertest from 'supertest';
import { expect } from 'vitest';
import type { Queryable } from '@doitcrm/kit';
import { uniqueName } from '@doitcrm/kit/testing';
import type { Express } from 'express';
import type { Template } from '../src/contract.ts';

/** 12:00 Beijing time: outside the default quiet hours (21:30–08:00), so sends are queued unless a test holds them */
export const BEIJING_NOON = new Date('2026-12-07T04:00:00Z');

export async function createTemplateThroughApi(app: Express, cookie: string, body: Record<string, unknown>): Promise<Template> {
  const response = await supertest(app).post('/api/templates').set('Cookie', cookie).send({ name: uniqueName('发送模板'), ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as Template;
}

/** What a batch wrote: its messages in recipient order, its outbox rows and its trace events. */
export async function batchRows(db: Queryable, batchId: string) {
  const messages = (await db.query(
    `SELECT id, trace_id AS "traceId", recipient, variables, priority, status, to_json(due_at) #>> '{}' AS "dueAt", channel
     FROM dispatch.messages WHERE batch_id = $1 ORDER BY id`, [batchId])).rows;
  const ids = messages.map((message) => message.id as number);
  const outbox = (await db.query('SELECT message_id AS "messageId", routing_key AS "routingKey", tier, attempt FROM dispatch.outbox WHERE message_id = ANY($1) ORDER BY id', [ids])).rows;
  const traces = (await db.query('SELECT message_id AS "messageId", stage, detail FROM dispatch.trace_events WHERE message_id = ANY($1) ORDER BY id', [ids])).rows;
  return { messages, outbox, traces };
}

export async function countMessagesOf(db: Queryable, userId: number): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.messages WHERE created_by = $1', [userId])).rows[0]!.n;
}
