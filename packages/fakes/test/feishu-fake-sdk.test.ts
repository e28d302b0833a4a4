import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, test } from 'vitest';
import { RECORD_FIELDS, STUDENT_FIELDS, type FeishuFake } from '../src/index.ts';
import { listenFeishuFake } from '../src/testing.ts';

// Feishu's official Node SDK drives the fake as it drives Feishu: `domain` is the fake's URL (external-apis.md §2.1).

/** A token cache of this client only: the SDK's default cache is shared by every client of the process. */
function ownCache(): lark.Cache {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  const keyOf = (key: string | symbol, namespace = '') => `${namespace}:${String(key)}`;
  return {
    set: async (key, value, expire, options) => {
      entries.set(keyOf(key as string, options?.namespace), { value, expiresAt: expire ?? Number.POSITIVE_INFINITY });
      return true;
    },
    get: async (key, options) => {
      const entry = entries.get(keyOf(key as string, options?.namespace));
      return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
    },
  };
}

const quiet = () => undefined;
// the SDK logs its own failures (and "client ready") at every level; the assertions say what matters
const silent = { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet };

async function sdkClient(options: Parameters<typeof listenFeishuFake>[0] = {}) {
  const { fake, url } = await listenFeishuFake(options);
  const client = new lark.Client({
    appId: fake.appId, appSecret: fake.appSecret, domain: url, cache: ownCache(), logger: silent,
  });
  return { fake, client, url };
}

const studentsPath = (fake: FeishuFake) => ({ app_token: fake.demo.appToken, table_id: fake.demo.studentsTableId });
const recordsPath = (fake: FeishuFake) => ({ app_token: fake.demo.appToken, table_id: fake.demo.recordsTableId });

describe('Feishu Bitable fake against the official Node SDK', () => {
  test('when the SDK makes two calls, then it fetches the tenant token once, sends it as Bearer and both calls succeed', async () => {
    // Arrange
    const { fake, client } = await sdkClient();

    // Act
    const tables = await client.bitable.v1.appTable.list({ path: { app_token: fake.demo.appToken } });
    const fields = await client.bitable.v1.appTableField.list({ path: studentsPath(fake), params: { page_size: 100 } });

    // Assert
    expect(tables.code).toBe(0);
    expect(tables.data?.items?.map((t) => t.name)).toEqual(['学员总表', '学习记录表']);
    expect(fields.code).toBe(0);
    expect(fake.calls.count('tenant_access_token', 0)).toBe(1);
    expect(fake.calls.count('tables_list', 0)).toBe(1);
  });

  test('when the SDK lists the students table fields, then it reads names, types and the link to the learning records', async () => {
    // Arrange
    const { fake, client } = await sdkClient();

    // Act: two pages of 3
    const first = await client.bitable.v1.appTableField.list({ path: studentsPath(fake), params: { page_size: 3 } });
    const second = await client.bitable.v1.appTableField.list({ path: studentsPath(fake), params: { page_size: 3, page_token: first.data?.page_token } });

    // Assert
    const fields = [...(first.data?.items ?? []), ...(second.data?.items ?? [])];
    expect(first.data?.has_more).toBe(true);
    expect(second.data?.has_more).toBe(false);
    expect(second.data?.page_token).toBeUndefined();
    expect(fields.map((f) => [f.field_name, f.type])).toEqual([
      [STUDENT_FIELDS.userId, 1], [STUDENT_FIELDS.nickname, 1], [STUDENT_FIELDS.phone, 13], [STUDENT_FIELDS.enteredAt, 5], [STUDENT_FIELDS.records, 18],
    ]);
    expect(fields.find((f) => f.field_name === STUDENT_FIELDS.records)?.property?.table_id).toBe(fake.demo.recordsTableId);
  });

  test('when the SDK searches page by page, then every student comes exactly once, in the read format (text segments, link ids)', async () => {
    // Arrange: 45 students, pages of 20
    const { fake, client } = await sdkClient({ demo: { students: 45 } });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;

    // Act
    do {
      const answer = await client.bitable.v1.appTableRecord.search({
        path: studentsPath(fake), params: { page_size: 20, ...(pageToken ? { page_token: pageToken } : {}) },
        data: { field_names: [STUDENT_FIELDS.userId, STUDENT_FIELDS.records], sort: [{ field_name: STUDENT_FIELDS.userId }] },
      });
      expect(answer.code).toBe(0);
      for (const item of answer.data?.items ?? []) {
        const cell = item.fields[STUDENT_FIELDS.userId] as Array<{ type: string; text: string }>;
        expect(cell[0]?.type).toBe('text');
        expect(item.fields[STUDENT_FIELDS.records]).toMatchObject({ link_record_ids: expect.any(Array) });
        expect(item.fields[STUDENT_FIELDS.nickname]).toBeUndefined();
        seen.push(cell[0]!.text);
      }
      expect(answer.data?.total).toBe(45);
      pageToken = answer.data?.has_more ? answer.data.page_token : undefined;
      pages += 1;
    } while (pageToken);

    // Assert
    expect(pages).toBe(3);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual([...seen].sort());
  });

  test('when the SDK searches with an and-filter (is + isNotEmpty), then only the matching learning records come back', async () => {
    // Arrange
    const { fake, client } = await sdkClient();
    const all = await client.bitable.v1.appTableRecord.search({ path: recordsPath(fake), params: { page_size: 500 }, data: {} });
    const someone = (all.data?.items?.[0]?.fields[RECORD_FIELDS.userId] as Array<{ text: string }>)[0]!.text;
    const expected = all.data?.items?.filter((i) => (i.fields[RECORD_FIELDS.userId] as Array<{ text: string }>)[0]!.text === someone).length;

    // Act
    const answer = await client.bitable.v1.appTableRecord.search({
      path: recordsPath(fake), params: { page_size: 500 },
      data: { filter: { conjunction: 'and', conditions: [
        { field_name: RECORD_FIELDS.userId, operator: 'is', value: [someone] },
        { field_name: RECORD_FIELDS.course, operator: 'isNotEmpty', value: [] },
      ] } },
    });

    // Assert
    expect(answer.code).toBe(0);
    expect(answer.data?.items?.length).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  test('when the SDK repeats a batch_create with the same client_token, then the second answer names the same records and the table holds them once', async () => {
    // Arrange
    const { fake, client } = await sdkClient({ demo: { students: 0 } });
    const payload = {
      path: studentsPath(fake), params: { client_token: 'fe4a1c56-7a8b-4b43-9c1e-2d1f0e3a4b5c' },
      data: { records: [
        { fields: { [STUDENT_FIELDS.userId]: 'u_test_1', [STUDENT_FIELDS.nickname]: '测试学员一', [STUDENT_FIELDS.phone]: '19900000001' } },
        { fields: { [STUDENT_FIELDS.userId]: 'u_test_2', [STUDENT_FIELDS.enteredAt]: 1_764_518_400_000 } },
      ] as Array<{ fields: Record<string, string | number> }> },
    };

    // Act
    const first = await client.bitable.v1.appTableRecord.batchCreate(payload);
    const second = await client.bitable.v1.appTableRecord.batchCreate(payload);

    // Assert: write format echoed (text as a plain string), input order kept
    expect(first.code).toBe(0);
    expect(first.data?.records?.map((r) => r.fields[STUDENT_FIELDS.userId])).toEqual(['u_test_1', 'u_test_2']);
    expect(second.data?.records?.map((r) => r.record_id)).toEqual(first.data?.records?.map((r) => r.record_id));
    expect(fake.state.bases.get(fake.demo.appToken)?.tables.get(fake.demo.studentsTableId)?.records.size).toBe(2);
  });

  test('when the SDK batch_updates a link cell and batch_deletes a record, then search shows the new links and the record is gone', async () => {
    // Arrange
    const { fake, client } = await sdkClient({ demo: { students: 3 } });
    const students = await client.bitable.v1.appTableRecord.search({ path: studentsPath(fake), params: { page_size: 10 }, data: {} });
    const records = await client.bitable.v1.appTableRecord.search({ path: recordsPath(fake), params: { page_size: 10 }, data: {} });
    const target = students.data!.items![0]!.record_id!;
    const linkIds = records.data!.items!.slice(0, 2).map((r) => r.record_id!);
    const doomed = students.data!.items![2]!.record_id!;

    // Act
    const updated = await client.bitable.v1.appTableRecord.batchUpdate({
      path: studentsPath(fake), data: { records: [{ record_id: target, fields: { [STUDENT_FIELDS.records]: linkIds } }] },
    });
    const deleted = await client.bitable.v1.appTableRecord.batchDelete({ path: studentsPath(fake), data: { records: [doomed] } });
    const after = await client.bitable.v1.appTableRecord.search({ path: studentsPath(fake), params: { page_size: 10 }, data: {} });

    // Assert
    expect(updated.code).toBe(0);
    expect(deleted.data?.records).toEqual([{ deleted: true, record_id: doomed }]);
    expect(after.data?.items?.map((i) => i.record_id)).not.toContain(doomed);
    expect(after.data?.items?.find((i) => i.record_id === target)?.fields[STUDENT_FIELDS.records]).toEqual({ link_record_ids: linkIds });
  });

  test('when a 429 is injected on search, then the SDK throws with HTTP 429, code 99991400 and the x-ogw-ratelimit-reset header', async () => {
    // Arrange
    const { fake, client } = await sdkClient();
    fake.inject({ kind: 'rate_limited', endpoint: 'records_search', times: 1, resetSeconds: 2 });

    // Act
    const failure = await client.bitable.v1.appTableRecord.search({ path: studentsPath(fake), data: {} }).catch((e: unknown) => e) as {
      response?: { status: number; headers: Record<string, string>; data: { code: number } };
    };
    const retried = await client.bitable.v1.appTableRecord.search({ path: studentsPath(fake), data: {} });

    // Assert
    expect(failure.response?.status).toBe(429);
    expect(failure.response?.data.code).toBe(99991400);
    expect(failure.response?.headers['x-ogw-ratelimit-reset']).toBe('2');
    expect(retried.code).toBe(0);
    expect(fake.calls.count('records_search', 99991400)).toBe(1);
  });

  test('when a 429 comes on page 2 of the SDK\'s searchWithIterator, then the SDK ends the scan quietly after page 1 (why packages/feishu has its own page loop)', async () => {
    // Arrange: 45 students, pages of 20, every search after the first answers 429
    const { fake, client } = await sdkClient({ demo: { students: 45 } });
    fake.inject({ kind: 'rate_limited', endpoint: 'records_search', after: 1 });
    let read = 0;

    // Act
    const iterator = await client.bitable.v1.appTableRecord.searchWithIterator({ path: studentsPath(fake), params: { page_size: 20 }, data: {} });
    for await (const page of iterator) read += page?.items?.length ?? 0;

    // Assert: no error reached the caller, and the table looks like 20 records
    expect(read).toBe(20);
    expect(fake.calls.count('records_search', 99991400)).toBe(1);
  });

  test('when the SDK writes an unknown field or 501 records, then it receives 1254045 naming the field and 1254104 (HTTP 200 bodies it returns)', async () => {
    // Arrange
    const { fake, client } = await sdkClient({ demo: { students: 0 } });

    // Act
    const unknownField = await client.bitable.v1.appTableRecord.batchCreate({
      path: studentsPath(fake), data: { records: [{ fields: { 学员姓名: '某某' } }] },
    });
    const tooMany = await client.bitable.v1.appTableRecord.batchCreate({
      path: studentsPath(fake), data: { records: Array.from({ length: 501 }, (_, i) => ({ fields: { [STUDENT_FIELDS.userId]: `u_${i}` } })) },
    });

    // Assert
    expect(unknownField).toMatchObject({ code: 1254045, msg: expect.stringContaining('学员姓名') });
    expect(tooMany.code).toBe(1254104);
  });
});
