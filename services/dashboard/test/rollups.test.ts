import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { dashboardConfigShape } from '../src/config.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { bj, createClass, insertMessages, snapshotRollups, type TestMessage } from './fixtures.ts';

const t = useTestService('dashboard', dashboardConfigShape);
const timezone = 'Asia/Shanghai';

/** One import refreshed as a whole from the start of the log: the state the incremental refreshes build on. */
async function insertMessagesIds(messages: TestMessage[]): Promise<string[]> {
  const { pool } = t.context;
  const msgids = await insertMessages(pool, messages);
  await refreshRollups(pool, { full: true }, { timezone });
  return msgids;
}

/** Inserts one "import" and refreshes the days it touched, as the chat.ingested consumer does. */
async function importBatch(messages: TestMessage[]) {
  const { pool } = t.context;
  await insertMessages(pool, messages);
  const times = messages.map((message) => new Date(message.at).getTime());
  return refreshRollups(pool, { minMsgtime: new Date(Math.min(...times)), maxMsgtime: new Date(Math.max(...times)) }, { timezone });
}

describe('rollups', () => {
  it('when two imports are refreshed incrementally, then the rollups equal a full recomputation, and a redelivery changes nothing', async () => {
    const { pool } = t.context;
    const a = await createClass(pool, ['在读', '在读', '休学']);
    const b = await createClass(pool, ['在读']);
    await refreshRollups(pool, { membership: true }, { timezone });
    const [p0, p1, p2] = a.parents as [string, string, string];

    await importBatch([
      { from: p0, roomId: a.roomId, at: bj('2026-03-02 09:00:00'), content: '老师好，我想退费' },
      { from: a.teacherId, roomId: a.roomId, at: bj('2026-03-02 09:20:00') },
      { from: p1, to: [a.teacherId], at: bj('2026-03-02 23:59:59'), content: '作业在哪' },
      { from: p2, roomId: a.roomId, at: bj('2026-03-03 08:00:00'), msgtype: 'image' },
      { from: b.parents[0]!, roomId: b.roomId, at: bj('2026-03-03 10:00:00') },
    ]);
    // the second import reaches back into a day of the first and answers a question the first left open
    await importBatch([
      { from: a.teacherId, to: [p1], at: bj('2026-03-03 00:00:00') },
      { from: p0, roomId: a.roomId, at: bj('2026-03-03 20:00:00'), content: '投诉一下' },
      { from: a.headTeacherId, roomId: a.roomId, at: bj('2026-03-04 07:00:00') },
      { from: b.teacherId, to: [b.parents[0]!], at: bj('2026-03-10 12:00:00') },
    ]);
    const incremental = await snapshotRollups(pool, [a.classId, b.classId]);

    await refreshRollups(pool, { full: true }, { timezone });
    const full = await snapshotRollups(pool, [a.classId, b.classId]);
    await refreshRollups(pool, { minMsgtime: bj('2026-03-02 09:00:00'), maxMsgtime: bj('2026-03-10 12:00:00') }, { timezone });
    const redelivered = await snapshotRollups(pool, [a.classId, b.classId]);

    expect(incremental).toEqual(full);
    expect(redelivered).toEqual(full);
    expect(full.parent_day!.length).toBeGreaterThan(0);
    expect(full.responses!.length).toBe(4);
    expect(full.keyword_hits!.map((hit) => (hit as { keywords: string[] }).keywords[0]).sort()).toEqual(['投诉', '退费'].sort());
  });

  it('when an import answers waits asked before its first day, then those waits get their first reply, as in a full recount', async () => {
    const { pool } = t.context;
    const a = await createClass(pool, ['在读', '在读']);
    const b = await createClass(pool, ['在读']);
    await refreshRollups(pool, { membership: true }, { timezone });
    const [p0, p1] = a.parents as [string, string];
    const [askedInGroup, askedDirect, answeredLate, askedTheEveningBefore] = await insertMessagesIds([
      { from: p0, roomId: a.roomId, at: bj('2026-04-20 10:00:00') },
      { from: p1, to: [a.headTeacherId], at: bj('2026-04-21 09:00:00') },
      { from: b.parents[0]!, roomId: b.roomId, at: bj('2026-04-01 10:00:00') },
      { from: b.parents[0]!, to: [b.teacherId], at: bj('2026-05-09 20:00:00') },
    ]);
    await importBatch([{ from: b.teacherId, roomId: b.roomId, at: bj('2026-05-20 10:00:00') }]);
    // the next import starts 2026-05-10: every wait above began before it, one the evening before (1:1)
    await importBatch([
      { from: b.headTeacherId, roomId: b.roomId, at: bj('2026-05-10 12:00:00') },
      { from: b.teacherId, to: [b.parents[0]!], at: bj('2026-05-10 08:30:00') },
      { from: a.teacherId, roomId: a.roomId, at: bj('2026-06-01 09:00:00') },
      { from: a.headTeacherId, to: [p1], at: bj('2026-06-01 10:00:00') },
    ]);
    const incremental = await snapshotRollups(pool, [a.classId, b.classId]);

    const waits = Object.fromEntries((incremental.responses as { asked_msgid: string; replied_by: string | null; wait_seconds: number | null }[])
      .map((wait) => [wait.asked_msgid, [wait.replied_by, wait.wait_seconds]]));
    await refreshRollups(pool, { full: true }, { timezone });
    const full = await snapshotRollups(pool, [a.classId, b.classId]);

    // 42 days less an hour; 41 days and an hour; 39 days and two hours (the earlier reply the second import brought)
    expect(waits).toEqual({
      [askedInGroup!]: [a.teacherId, 42 * 86_400 - 3_600],
      [askedDirect!]: [a.headTeacherId, 41 * 86_400 + 3_600],
      [answeredLate!]: [b.headTeacherId, 39 * 86_400 + 7_200],
      [askedTheEveningBefore!]: [b.teacherId, 12 * 3_600 + 1_800],
    });
    expect(incremental).toEqual(full);
  });

  it('when a parent is unlinked from a student, then the class is recounted without their messages', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    await refreshRollups(pool, { membership: true }, { timezone });
    await importBatch([
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2026-04-01 10:00:00') },
      { from: cls.parents[1]!, roomId: cls.roomId, at: bj('2026-04-01 11:00:00') },
    ]);
    expect((await snapshotRollups(pool, [cls.classId])).parent_day).toHaveLength(2);

    await pool.query('DELETE FROM crm.guardianships WHERE student_id = $1', [cls.students[1]]);
    const result = await refreshRollups(pool, { membership: true }, { timezone });

    expect(result.recountedClasses).toEqual([cls.classId]);
    const after = await snapshotRollups(pool, [cls.classId]);
    expect(after.parent_day!.map((row) => (row as { parent_id: string }).parent_id)).toEqual([cls.parents[0]]);
    const { rows: [day] } = await pool.query('SELECT messages, parent_messages FROM dashboard.class_day WHERE class_id = $1', [cls.classId]);
    // the unlinked parent's message is still a message of the group, no longer a parent's
    expect(day).toEqual({ messages: 2, parent_messages: 1 });
  });
});
