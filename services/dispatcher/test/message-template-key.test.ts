import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTransaction, type Pool, type Queryable } from '@doitcrm/kit';
import { useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';

// messages.template_id is checked once per statement by triggers (migration 1764000033400), not by a per-row foreign
// key: these hold it to what the key guaranteed, including a delete racing an insert either way round.
const t = useTestService('dispatcher', dispatcherConfigShape);

async function template(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO dispatch.templates (name, channel, body, provider_template) VALUES ($1, 'sms', '你好', 'SMS_1') RETURNING id", [`键-${randomUUID()}`]);
  return Number(rows[0]!.id);
}

const insertMessages = (db: Queryable, templateId: number, count = 3) => db.query(
  `INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient)
   SELECT $1, gen_random_uuid(), $2, 'sms', '1380000' || lpad(g::text, 4, '0') FROM generate_series(1, $3::int) g`,
  [randomUUID(), templateId, count]);

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string }) => error.code);
const countOf = async (pool: Pool, templateId: number) =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.messages WHERE template_id = $1', [templateId])).rows[0]!.n;

describe('message template key', () => {
  it('when messages name a template that does not exist, then nothing is written and the foreign key\'s error comes back', async () => {
    const pool = t.context.pool;
    const missing = (await template(pool)) + 1_000_000;

    expect(await codeOf(insertMessages(pool, missing))).toBe('23503');
    expect(await countOf(pool, missing)).toBe(0);
  });

  it('when a template with messages is deleted, then the delete is refused; one without is deleted', async () => {
    const pool = t.context.pool;
    const used = await template(pool);
    const unused = await template(pool);
    await insertMessages(pool, used);

    expect(await codeOf(pool.query('DELETE FROM dispatch.templates WHERE id = $1', [used]))).toBe('23503');
    expect(await codeOf(pool.query('DELETE FROM dispatch.templates WHERE id = $1', [unused]))).toBe('ok');
    expect(await codeOf(pool.query('UPDATE dispatch.messages SET template_id = $2 WHERE template_id = $1', [used, unused]))).toBe('23503');
  });

  it('when a delete races an insert, then whichever goes first wins and no message is left without its template', async () => {
    const pool = t.context.pool;
    const insertedFirst = await template(pool);
    const deletedFirst = await template(pool);

    // the insert holds its template until it commits: the delete waits, then finds the messages
    let deleting: Promise<string | undefined> | undefined;
    await withTransaction(pool, async (db) => {
      await insertMessages(db, insertedFirst);
      deleting = codeOf(pool.query('DELETE FROM dispatch.templates WHERE id = $1', [insertedFirst]));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(await deleting).toBe('23503');
    expect(await countOf(pool, insertedFirst)).toBe(3);

    // the delete goes first: the insert waits for it, then finds no template
    let inserting: Promise<string | undefined> | undefined;
    await withTransaction(pool, async (db) => {
      await db.query('DELETE FROM dispatch.templates WHERE id = $1', [deletedFirst]);
      inserting = codeOf(insertMessages(pool, deletedFirst));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(await inserting).toBe('23503');
    expect(await countOf(pool, deletedFirst)).toBe(0);
  });
});
