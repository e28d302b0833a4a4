import { describe, expect, it } from 'vitest';
import { enqueueEvent } from '@doitcrm/kit';
import { useTestService, waitFor } from '@doitcrm/kit/testing';
import { dashboardConfigShape } from '../src/config.ts';
import { startRollupConsumers } from '../src/entry-points/queue/rollup-consumers.ts';
import { bj, createClass, insertMessages } from './fixtures.ts';

const t = useTestService('dashboard', dashboardConfigShape, { prepare: startRollupConsumers });
let runId = 700_000 + Math.floor(Math.random() * 100_000);

async function publish(...args: Parameters<typeof enqueueEvent>): Promise<void> {
  await enqueueEvent(...args);
  await t.context.outbox.flush();
}

const until = <T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> =>
  waitFor('the consumer\'s rows', probe, { timeoutMs: 20_000, intervalMs: 100, until: done });

const parentDays = async (classId: number) =>
  (await t.context.pool.query('SELECT parent_id, day::text, group_sent FROM dashboard.parent_day WHERE class_id = $1 ORDER BY parent_id', [classId])).rows;

describe('queue consumers', () => {
  it('when chat.ingested arrives (twice), then the imported days are counted once and the run is recorded', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: bj('2026-10-01 09:00:00') }]);
    runId += 1;
    const event = { runId, inserted: 1, updated: 0, minMsgtime: bj('2026-10-01 09:00:00').toISOString(), maxMsgtime: bj('2026-10-01 09:00:00').toISOString() };

    await publish(pool, 'chat.ingested', event);
    await publish(pool, 'chat.ingested', event);

    const rows = await until(() => parentDays(cls.classId), (value) => value.length > 0);
    expect(rows).toEqual([{ parent_id: cls.parents[0], day: '2026-10-01', group_sent: 1 }]);
    const runs = await until(async () => (await pool.query('SELECT run_id FROM dashboard.applied_runs WHERE run_id = $1', [runId])).rows, (value) => value.length > 0);
    expect(runs).toHaveLength(1);
  });

  it('when roster.changed says a class got a new parent, then their earlier messages are counted for the class', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    const other = await createClass(pool, ['在读']);
    await insertMessages(pool, [{ from: other.parents[0]!, roomId: cls.roomId, at: bj('2026-10-02 09:00:00') }]);
    runId += 1;
    await publish(pool, 'chat.ingested', { runId, inserted: 1, updated: 0, minMsgtime: bj('2026-10-02 09:00:00').toISOString(), maxMsgtime: bj('2026-10-02 09:00:00').toISOString() });
    await until(async () => (await pool.query('SELECT 1 FROM dashboard.applied_runs WHERE run_id = $1', [runId])).rows, (value) => value.length > 0);
    expect(await parentDays(cls.classId)).toEqual([]);

    await pool.query('INSERT INTO crm.enrolments (student_id, class_id) VALUES ($1, $2)', [other.students[0], cls.classId]);
    await publish(pool, 'roster.changed', { reason: 'edit', importId: null, classIds: [cls.classId], studentIds: [other.students[0]!], userId: null });

    const rows = await until(() => parentDays(cls.classId), (value) => value.length > 0);
    expect(rows).toEqual([{ parent_id: other.parents[0], day: '2026-10-02', group_sent: 1 }]);
  });
});
