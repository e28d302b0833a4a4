import supertest from 'supertest';
import { createFeishuFake, type FeishuFake, type FeishuFakeOptions } from '@doitcrm/fakes';
import type { ServiceContext } from '@doitcrm/kit';
import { useTestApp, type TestApp } from '@doitcrm/kit/testing';
import { afterAll, beforeAll } from 'vitest';
import { createFeishuSyncApp } from '../src/app.ts';
import { feishuSyncConfigShape, type FeishuSyncConfig } from '../src/config.ts';
import { feishuConnectionFromConfig, type FeishuConnection } from '../src/domain/feishu-connection.ts';
import { startSyncConsumer } from '../src/entry-points/queue/sync-consumer.ts';

export interface FakeFeishu {
  fake: FeishuFake;
  url: string;
}

/** The Bitable fake over HTTP on a free loopback port for the whole file, seeded with seed 002's demo base. */
export function useFeishuFake(options: FeishuFakeOptions = {}): FakeFeishu {
  const f = {} as FakeFeishu & { close(): Promise<void> };
  beforeAll(async () => {
    f.fake = createFeishuFake(options);
    const server = await f.fake.listen(0, '127.0.0.1');
    f.url = server.url;
    f.close = server.close;
  });
  afterAll(async () => {
    await f.close?.();
  });
  return f;
}

/** The fake's credentials and demo tables as the service's settings. */
export const feishuEnv = (f: FakeFeishu, extra: Record<string, string> = {}): Record<string, string> => ({
  FEISHU_BASE_URL: f.url, FEISHU_APP_ID: f.fake.appId, FEISHU_APP_SECRET: f.fake.appSecret, FEISHU_APP_TOKEN: f.fake.demo.appToken,
  FEISHU_STUDENTS_TABLE_ID: f.fake.demo.studentsTableId, FEISHU_RECORDS_TABLE_ID: f.fake.demo.recordsTableId, ...extra,
});

const connections = new WeakMap<object, FeishuConnection>();
/** One connection per service context, with retries in milliseconds (the client's back-off has its own tests). */
export function connectionOf(context: ServiceContext<FeishuSyncConfig>): FeishuConnection {
  let connection = connections.get(context);
  if (!connection) {
    connection = feishuConnectionFromConfig(context.config, { redis: context.redis }, { retry: { baseDelayMs: 2, maxDelayMs: 10, rateLimitMaxWaitMs: 2_000 } })!;
    connections.set(context, connection);
  }
  return connection;
}

export interface FeishuTestBed<R extends 'staff' | 'viewer'> {
  feishu: FakeFeishu;
  t: TestApp<FeishuSyncConfig, R>;
  api: () => ReturnType<typeof supertest>;
}

/**
 * The service against the Bitable fake for the whole file, with signed-in users of `roles`: `env` is added to the
 * fake's settings, and `consumer` starts the sync worker in the test's process (runs are then carried out, not only
 * queued).
 */
export function useFeishuSyncApp<R extends 'staff' | 'viewer'>(
  roles: R[],
  options: { env?: Record<string, string>; consumer?: boolean } = {},
): FeishuTestBed<R> {
  const feishu = useFeishuFake();
  const t = useTestApp('feishu-sync', feishuSyncConfigShape, (context) => createFeishuSyncApp(context, connectionOf(context)), {
    roles,
    env: () => feishuEnv(feishu, options.env),
    prepare: options.consumer ? (context) => startSyncConsumer(context, connectionOf(context)) : undefined,
  });
  return { feishu, t, api: () => supertest(t.app) };
}

const table = (f: FakeFeishu, id: string) => f.fake.state.bases.get(f.fake.demo.appToken)!.tables.get(id)!;

/** Every record of both tables with every cell, as plain JSON: equal before and after means the tables are as they were. */
export function tablesSnapshot(f: FakeFeishu): string {
  const dump = (id: string) => [...table(f, id).records.values()]
    .map((r) => [r.record_id, [...r.cells.entries()].sort(([a], [b]) => a.localeCompare(b))] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ students: dump(f.fake.demo.studentsTableId), records: dump(f.fake.demo.recordsTableId) });
}

export interface FakeStudent { recordId: string; userId: string; nickname: string; phone: string | null; links: string[] }

export function fakeStudents(f: FakeFeishu): FakeStudent[] {
  return [...table(f, f.fake.demo.studentsTableId).records.values()].map((r) => ({
    recordId: r.record_id, userId: r.cells.get('用户ID') as string, nickname: r.cells.get('昵称') as string,
    phone: (r.cells.get('手机号') as string | undefined) ?? null, links: (r.cells.get('学习记录') as string[] | undefined) ?? [],
  }));
}

export interface FakeLearningRecord { recordId: string; userId: string; course: string; studyDate: number; student: string[] }

export function fakeRecords(f: FakeFeishu): FakeLearningRecord[] {
  return [...table(f, f.fake.demo.recordsTableId).records.values()].map((r) => ({
    recordId: r.record_id, userId: r.cells.get('用户ID') as string, course: r.cells.get('课程') as string,
    studyDate: r.cells.get('学习日期') as number, student: (r.cells.get('关联到学员总表') as string[] | undefined) ?? [],
  }));
}

/** Learning records per (用户ID, 课程, 学习日期): any count above 1 is a duplicate. */
export function recordCounts(f: FakeFeishu): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of fakeRecords(f)) {
    const key = `${r.userId}|${r.course}|${r.studyDate}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** A 小鹅通-style CSV text (header plus rows). */
export function exportCsv(header: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const beijingMidnightMs = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
export const writesOf = (f: FakeFeishu) => ['records_batch_create', 'records_batch_update', 'records_batch_delete']
  .reduce((sum, endpoint) => sum + f.fake.calls.count(endpoint, 0), 0);

/** Records deleted in Feishu behind the service's back (by hand in the base, or lost when the fake restarted). */
export function deleteByHand(f: FakeFeishu, kind: 'students' | 'records', recordIds: readonly string[]): void {
  const records = table(f, kind === 'students' ? f.fake.demo.studentsTableId : f.fake.demo.recordsTableId).records;
  for (const id of recordIds) records.delete(id);
}
