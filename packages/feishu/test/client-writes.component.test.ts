import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { mergeLinkCell, readLinkIds, writeCell } from '../src/index.ts';
import { codesOf, feishuError, startHarness } from './feishu-fake-harness.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `test:feishu:${randomBytes(5).toString('hex')}:`;
const connections: Redis[] = [];

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit()));
  const plain = new Redis(REDIS_URL);
  const keys = await plain.keys(`${keyPrefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  await plain.quit();
});

/** a Redis connection of its own, as another process would have */
function connect(): Redis {
  const redis = new Redis(REDIS_URL, { keyPrefix });
  connections.push(redis);
  return redis;
}

const student = (i: number) => ({ 用户ID: writeCell.text(`u_t_${i}`), 昵称: writeCell.text(`测试学员${i}`), 手机号: writeCell.phone(`1990000${String(i).padStart(4, '0')}`) });

describe('Feishu client: batch writes', () => {
  test('when 1,200 records are created twice with one client_token, then three calls of ≤ 500 create them once', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 0 } });
    const client = h.client();
    const rows = Array.from({ length: 1_200 }, (_, i) => student(i));
    const clientToken = randomUUID();

    // Act
    const first = await client.batchCreate(h.students, rows, { clientToken });
    const replay = await client.batchCreate(h.students, rows, { clientToken });

    // Assert
    expect(first).toHaveLength(1_200);
    expect(replay.map((r) => r.recordId)).toEqual(first.map((r) => r.recordId));
    expect(h.fake.state.bases.get(h.students.appToken)?.tables.get(h.students.tableId)?.records.size).toBe(1_200);
    expect(codesOf(h.fake, 'records_batch_create')).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('when a link cell is merged with a new record, then the student keeps its old learning records and gains the new one', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 3 } });
    const client = h.client();
    const [target] = await client.searchAll(h.students, { field_names: ['用户ID', '学习记录'] });
    const before = readLinkIds(target!.fields['学习记录']);
    const [created] = await client.batchCreate(h.records, [{ 用户ID: 'u_new', 课程: '新课程', 学习日期: writeCell.date(new Date('2026-01-05T00:00:00+08:00')) }]);

    // Act
    await client.batchUpdate(h.students, [{ recordId: target!.recordId, fields: { 学习记录: mergeLinkCell(target!.fields['学习记录'], [created!.recordId]) } }]);
    const after = await client.getRecord(h.students, target!.recordId);

    // Assert
    expect(before.length).toBeGreaterThan(0);
    expect(readLinkIds(after?.fields['学习记录'])).toEqual([...before, created!.recordId]);
  });

  test('when a write names a field the table does not have, then the error names the field and nothing is written', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 0 } });
    const client = h.client();

    // Act
    const error = await feishuError(client.batchCreate(h.students, [{ 用户ID: 'u_1', 学员姓名: '某某' }]));

    // Assert
    expect(error).toMatchObject({ kind: 'field', code: 1254045, fieldName: '学员姓名' });
    expect(h.fake.state.bases.get(h.students.appToken)?.tables.get(h.students.tableId)?.records.size).toBe(0);
  });

  test('when two processes without Redis write one table at once, then Bitable sees write conflicts (1254291) that retries absorb', async () => {
    // Arrange: each write holds the table 40 ms; back-offs long enough to outlast it
    const h = await startHarness({ demo: { students: 0 }, writeLatencyMs: 40 });
    const retry = { baseDelayMs: 50, maxDelayMs: 400, maxRetries: 8 };
    const [a, b] = [h.client({ retry }), h.client({ retry })];

    // Act
    await Promise.all([0, 1, 2].flatMap((i) => [a.batchCreate(h.students, [student(i)]), b.batchCreate(h.students, [student(10 + i)])]));

    // Assert
    expect(h.fake.calls.count('records_batch_create', 1254291)).toBeGreaterThan(0);
    expect(h.fake.calls.count('records_batch_create', 0)).toBe(6);
  });

  test('when two processes share Redis and one process writes concurrently, then no write overlaps: no 1254291 at all', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 0 }, writeLatencyMs: 40 });
    const [a, b] = [h.client({ redis: connect() }), h.client({ redis: connect() })];

    // Act
    await Promise.all([0, 1, 2].flatMap((i) => [a.batchCreate(h.students, [student(i)]), b.batchCreate(h.students, [student(10 + i)])]));

    // Assert
    expect(codesOf(h.fake, 'records_batch_create')).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('when records are deleted in a batch, then they are gone and a missing one reads as null', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 4 } });
    const client = h.client();
    const all = await client.searchAll(h.students);

    // Act
    const deleted = await client.batchDelete(h.students, all.slice(0, 2).map((r) => r.recordId));
    const gone = await client.getRecord(h.students, all[0]!.recordId);

    // Assert
    expect(deleted).toEqual(all.slice(0, 2).map((r) => r.recordId));
    expect(gone).toBeNull();
    expect(await client.searchAll(h.students)).toHaveLength(2);
  });
});
