import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { MessagePage, Trace } from '../src/contract.ts';
import { routingKey, tierOf } from '../src/queue/topology.ts';
import { insertMessages, insertTemplate } from './monitor-fixtures.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer', 'staff'] });

type Role = 'viewer' | 'staff';
const get = (role: Role, url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]);
const post = (role: Role, url: string, body: object = {}) => supertest(t.app).post(url).set('Cookie', t.cookies[role]).send(body);

let templateId: number;
beforeAll(async () => {
  templateId = await insertTemplate(t.context.pool);
});

describe('message search', () => {
  it('when a recipient\'s messages span three pages, then the pages come newest first without gaps or repeats', async () => {
    const recipient = `1380000${String(Date.now() % 10_000).padStart(4, '0')}`;
    const seeded = await insertMessages(t.context.pool, Array.from({ length: 7 }, (_, index) => ({ templateId, recipient, ageSeconds: index * 10 })));

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get('staff', `/api/messages?recipient=${recipient}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = response.body as MessagePage;
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen).toEqual(seeded.map((message) => message.id));
  });

  it('when messages are filtered by status, batch and template, then only matching ones come back', async () => {
    const other = await insertTemplate(t.context.pool, 'email');
    const batchId = randomUUID();
    const [failed] = await insertMessages(t.context.pool, [
      { templateId: other, channel: 'email', recipient: 'parent@example.com', status: 'failed', batchId },
      { templateId: other, channel: 'email', recipient: 'other@example.com', status: 'sent', batchId },
    ]);

    const byBatchAndStatus = (await get('viewer', `/api/messages?batchId=${batchId}&status=failed`)).body as MessagePage;
    const byTemplate = (await get('viewer', `/api/messages?templateId=${other}`)).body as MessagePage;

    expect(byBatchAndStatus.items.map((item) => item.id)).toEqual([failed!.id]);
    expect(byBatchAndStatus.items[0]).toMatchObject({ status: 'failed', channel: 'email', lastError: '模拟的永久失败', batchId });
    expect(byTemplate.items).toHaveLength(2);
  });

  it('when a viewer searches, then phone numbers and e-mail addresses are masked; staff see them whole', async () => {
    const batchId = randomUUID();
    await insertMessages(t.context.pool, [
      { templateId, recipient: '13812345678', batchId, ageSeconds: 1 },
      { templateId, recipient: 'zhangsan@example.com', batchId },
    ]);

    const viewer = (await get('viewer', `/api/messages?batchId=${batchId}`)).body as MessagePage;
    const staff = (await get('staff', `/api/messages?batchId=${batchId}`)).body as MessagePage;

    expect(viewer.items.map((item) => item.recipient)).toEqual(['z***@example.com', '138****5678']);
    expect(staff.items.map((item) => item.recipient)).toEqual(['zhangsan@example.com', '13812345678']);
  });

  it('when a filter is malformed, then the 400 names it', async () => {
    const response = await get('viewer', '/api/messages?status=lost&batchId=x&cursor=bm9wZQ');

    expect(response.status).toBe(400);
    expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['batchId', 'status']);
    expect((await get('viewer', '/api/messages?cursor=bm9wZQ')).body.details).toEqual([{ field: 'cursor', message: '请从第一页重新查询' }]);
  });
});

describe('message trace', () => {
  it('when staff open a trace, then the message, its template and its events come in order, and the read is audited', async () => {
    const [message] = await insertMessages(t.context.pool, [{ templateId, recipient: '13912345678', status: 'failed' }]);
    await t.context.pool.query(
      "INSERT INTO dispatch.trace_events (message_id, trace_id, stage, at, detail) SELECT $1, $2, 'processing', queued_at + interval '10 milliseconds', '{\"attempt\": 1}' FROM dispatch.messages WHERE id = $1",
      [message!.id, message!.traceId]);

    const response = await get('staff', `/api/messages/traces/${message!.traceId}`);

    expect(response.status).toBe(200);
    const trace = response.body as Trace;
    expect(trace.message).toMatchObject({ id: message!.id, recipient: '13912345678', status: 'failed' });
    expect(trace.template).toMatchObject({ id: templateId, channel: 'sms' });
    expect(trace.events.map((event) => event.stage)).toEqual(['queued', 'processing', 'failed']);
    expect(trace.events[2]!.detail).toEqual({ error: '模拟的永久失败', kind: 'permanent' });
    const { rows } = await t.context.pool.query("SELECT username FROM auth.audit_log WHERE action = 'dispatcher.trace.view' AND target_id = $1", [message!.traceId]);
    expect(rows).toEqual([{ username: t.users.staff.username }]);
  });

  it('when a viewer opens a trace, then the recipient is masked and the values withheld; an unknown trace is 404', async () => {
    const [message] = await insertMessages(t.context.pool, [{ templateId, recipient: '13712345678' }]);
    await t.context.pool.query(`UPDATE dispatch.messages SET variables = '{"name": "王小明"}' WHERE id = $1`, [message!.id]);

    const trace = (await get('viewer', `/api/messages/traces/${message!.traceId}`)).body as Trace;

    expect(trace.message.recipient).toBe('137****5678');
    expect(trace.message.variables).toEqual({});
    expect((await get('staff', `/api/messages/traces/${message!.traceId}`)).body.message.variables).toEqual({ name: '王小明' });
    expect((await get('viewer', `/api/messages/traces/${randomUUID()}`)).status).toBe(404);
  });
});

describe('retrying failed messages', () => {
  async function outboxOf(ids: number[]) {
    const { rows } = await t.context.pool.query('SELECT message_id, routing_key, tier, attempt FROM dispatch.outbox WHERE message_id = ANY($1) ORDER BY message_id', [ids]);
    return rows;
  }

  it('when staff retry one failed message, then it is queued with an outbox row on its tier\'s routing key, traced and audited', async () => {
    const [message] = await insertMessages(t.context.pool, [{ templateId, status: 'failed', priority: 9, attempts: 6 }]);

    const response = await post('staff', `/api/messages/${message!.id}/retry`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ retried: 1 });
    expect(await outboxOf([message!.id])).toEqual([{ message_id: message!.id, routing_key: routingKey('sms', tierOf(9)), tier: 3, attempt: 0 }]);
    const { rows: [row] } = await t.context.pool.query('SELECT status, attempts FROM dispatch.messages WHERE id = $1', [message!.id]);
    expect(row).toEqual({ status: 'queued', attempts: 0 });
    const trace = (await get('staff', `/api/messages/traces/${message!.traceId}`)).body as Trace;
    expect(trace.events.at(-1)).toMatchObject({ stage: 'retry', detail: { manual: true, by: t.users.staff.username, previousError: '模拟的永久失败' } });
    const { rows: audit } = await t.context.pool.query("SELECT username, target_type, details FROM auth.audit_log WHERE action = 'dispatcher.message.retry' AND target_id = $1", [String(message!.id)]);
    expect(audit).toEqual([{ username: t.users.staff.username, target_type: 'message', details: { retried: 1 } }]);
  });

  it('when a message has not failed, then retrying it is 409; an unknown one 404; nothing is queued', async () => {
    const [sent] = await insertMessages(t.context.pool, [{ templateId, status: 'sent' }]);

    expect((await post('staff', `/api/messages/${sent!.id}/retry`)).status).toBe(409);
    expect((await post('staff', '/api/messages/999999999/retry')).status).toBe(404);
    expect(await outboxOf([sent!.id])).toEqual([]);
  });

  it('when staff retry a batch\'s failures, then exactly its failed messages are queued, set-based, and the count answered', async () => {
    const batchId = randomUUID();
    const seeded = await insertMessages(t.context.pool, [
      ...Array.from({ length: 30 }, () => ({ templateId, status: 'failed', batchId, priority: 1 })),
      { templateId, status: 'sent', batchId },
    ]);
    const [elsewhere] = await insertMessages(t.context.pool, [{ templateId, status: 'failed' }]);

    const response = await post('staff', '/api/messages/retry-failed', { batch_id: batchId });

    expect(response.body).toEqual({ retried: 30 });
    const outbox = await outboxOf([...seeded.map((message) => message.id), elsewhere!.id]);
    expect(outbox).toHaveLength(30);
    expect(new Set(outbox.map((row) => row.routing_key))).toEqual(new Set([routingKey('sms', 0)]));
    const { rows } = await t.context.pool.query("SELECT count(*)::int AS n FROM dispatch.trace_events WHERE stage = 'retry' AND message_id = ANY($1)", [seeded.map((message) => message.id)]);
    expect(rows[0].n).toBe(30);
    expect((await post('staff', '/api/messages/retry-failed', { batch_id: batchId })).body).toEqual({ retried: 0 });
  });

  it('when staff retry a template\'s failures, then those of other templates stay failed', async () => {
    const own = await insertTemplate(t.context.pool, 'wecom_app');
    const [mine] = await insertMessages(t.context.pool, [{ templateId: own, channel: 'wecom_app', status: 'failed' }]);
    const [theirs] = await insertMessages(t.context.pool, [{ templateId, status: 'failed' }]);

    const response = await post('staff', '/api/messages/retry-failed', { template_id: own });

    expect(response.body).toEqual({ retried: 1 });
    expect((await outboxOf([mine!.id, theirs!.id])).map((row) => row.message_id)).toEqual([mine!.id]);
    const { rows } = await t.context.pool.query("SELECT target_type, target_id FROM auth.audit_log WHERE action = 'dispatcher.message.retry' AND target_type = 'template'");
    expect(rows).toEqual([{ target_type: 'template', target_id: String(own) }]);
  });

  it('when a viewer tries to retry, or names neither or both scopes, then it is refused and nothing is queued', async () => {
    const [message] = await insertMessages(t.context.pool, [{ templateId, status: 'failed' }]);

    expect((await post('viewer', `/api/messages/${message!.id}/retry`)).status).toBe(403);
    expect((await post('viewer', '/api/messages/retry-failed', { batch_id: message!.batchId })).status).toBe(403);
    const neither = await post('staff', '/api/messages/retry-failed', {});
    expect(neither.status).toBe(400);
    expect(neither.body.details).toEqual([{ field: 'batch_id', message: '需要 batch_id 或 template_id 之一' }]);
    expect((await post('staff', '/api/messages/retry-failed', { batch_id: message!.batchId, template_id: templateId })).status).toBe(400);
    expect(await outboxOf([message!.id])).toEqual([]);
  });
});
