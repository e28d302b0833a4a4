import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '@doitcrm/kit';
import { useTestApp, waitForJob } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';
import type { ExtractResult } from '../src/contract.ts';
import { monthSteps } from '../src/domain/extract-ids.ts';
import { startExtractConsumer } from '../src/entry-points/queue/extract-consumer.ts';
import { insertMessages, testIds } from './chat-factory.ts';

const t = useTestApp('mapper', mapperConfigShape, createMapperApp, { roles: ['staff', 'viewer'], prepare: startExtractConsumer });

async function finished(jobId: string): Promise<{ final: JobSnapshot; seen: JobSnapshot[] }> {
  const seen: JobSnapshot[] = [];
  const final = await waitForJob({ app: t.app, cookie: t.cookies.staff }, jobId, { timeoutMs: 10_000, intervalMs: 25, onSnapshot: (job) => seen.push(job) });
  return { final, seen };
}

describe('whole-archive extraction job', () => {
  it('when staff extract on demand, then a job walks the archive month by month and the stats say when and how many', async () => {
    const ids = testIds();
    await insertMessages(t.context.pool, [
      { from: ids.wecomParent, to: [ids.teacher], roomId: null, at: new Date('2024-01-15T03:00:00Z') },
      { from: ids.teacher, to: [ids.silentParent, ids.wecomParent], roomId: ids.room, at: new Date('2024-03-02T03:00:00Z') },
    ]);

    const started = await supertest(t.app).post('/api/extract').set('Cookie', t.cookies.staff);
    const { final } = await finished(started.body.jobId);
    const stats = await supertest(t.app).get('/api/stats').set('Cookie', t.cookies.staff);
    const silent = await supertest(t.app).get(`/api/mappings/user_id?keyword=${ids.silentParent}`).set('Cookie', t.cookies.staff);

    expect(started.status).toBe(202);
    expect(final).toMatchObject({ status: 'succeeded', progressDone: 3, progressTotal: 3 });
    const result = final.result as ExtractResult;
    expect(result.newIds).toBe(4);
    expect(stats.body.lastExtraction).toMatchObject({ wholeArchive: true, newIds: 4 });
    expect(silent.body.items).toEqual([expect.objectContaining({ originalId: ids.silentParent, idKind: 'external_wechat', received: 1 })]);
    const { rows } = await t.context.pool.query("SELECT action FROM auth.audit_log WHERE action = 'mapper.extract.start' AND target_id = $1", [started.body.jobId]);
    expect(rows).toHaveLength(1);
  });

  it('when the same archive is extracted again, then nothing is new and the activity is unchanged', async () => {
    const before = await t.context.pool.query('SELECT original_id, room_id, day, sent, received FROM crm.identity_activity ORDER BY 1, 2, 3');

    const { final } = await finished((await supertest(t.app).post('/api/extract').set('Cookie', t.cookies.staff)).body.jobId);

    const after = await t.context.pool.query('SELECT original_id, room_id, day, sent, received FROM crm.identity_activity ORDER BY 1, 2, 3');
    expect((final.result as ExtractResult).newIds).toBe(0);
    expect(after.rows).toEqual(before.rows);
  });

  it('when a viewer asks for an extraction, then 403 and no job', async () => {
    const response = await supertest(t.app).post('/api/extract').set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(403);
  });

  it('when the archive spans months, then the steps cut at month ends and cover every day once', () => {
    expect(monthSteps({ fromDay: '2024-01-15', toDay: '2024-03-02' })).toEqual([
      { fromDay: '2024-01-15', toDay: '2024-01-31' }, { fromDay: '2024-02-01', toDay: '2024-02-29' }, { fromDay: '2024-03-01', toDay: '2024-03-02' },
    ]);
    expect(monthSteps({ fromDay: '2024-12-31', toDay: '2025-01-01' })).toEqual([
      { fromDay: '2024-12-31', toDay: '2024-12-31' }, { fromDay: '2025-01-01', toDay: '2025-01-01' },
    ]);
  });
});
