import { describe, expect, test } from 'vitest';
import { startFeishuFake, type FeishuFake } from '../src/index.ts';
import { closeWhenTestEnds, listenFeishuFake } from '../src/testing.ts';

interface Envelope {
  code: number;
  msg: string;
  data?: Record<string, unknown>;
  tenant_access_token?: string;
  expire?: number;
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Envelope }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: response.status, body: (await response.json()) as Envelope };
}

const tokenOf = async (fake: FeishuFake, url: string) =>
  (await post(url, '/open-apis/auth/v3/tenant_access_token/internal', { app_id: fake.appId, app_secret: fake.appSecret })).body;
const recordsPath = (fake: FeishuFake, table: string, action: string) => `/open-apis/bitable/v1/apps/${fake.demo.appToken}/tables/${table}/records/${action}`;

describe('Feishu fake: contract details the SDK does not check', () => {
  test('when the token is asked for again with ≥ 30 minutes left, then the same token comes back; under 30 minutes a new one, and the old still works', async () => {
    // Arrange
    let now = Date.UTC(2026, 0, 5);
    const { fake, url } = await listenFeishuFake({ demo: { students: 1 }, now: () => now });

    // Act
    const first = await tokenOf(fake, url);
    now += 5_000 * 1_000;
    const same = await tokenOf(fake, url);
    now += 500 * 1_000;
    const renewed = await tokenOf(fake, url);
    const oldStillValid = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'search'), {}, first.tenant_access_token);
    now += 1_800 * 1_000;
    const oldExpired = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'search'), {}, first.tenant_access_token);

    // Assert
    expect(first).toMatchObject({ code: 0, msg: 'ok', expire: 7_200, tenant_access_token: expect.stringMatching(/^t-/) });
    expect(same).toMatchObject({ tenant_access_token: first.tenant_access_token, expire: 2_200 });
    expect(renewed.tenant_access_token).not.toBe(first.tenant_access_token);
    expect(renewed.expire).toBe(7_200);
    expect(oldStillValid.body.code).toBe(0);
    expect(oldExpired).toMatchObject({ status: 400, body: { code: 99991663 } });
  });

  test('when cells are written in the write format, then create echoes them as written and search reads text as segments and links as link_record_ids', async () => {
    // Arrange
    const { fake, url } = await listenFeishuFake({ demo: { students: 1 } });
    const token = (await tokenOf(fake, url)).tenant_access_token;
    const learning = await post(url, recordsPath(fake, fake.demo.recordsTableId, 'search'), {}, token);
    const linkId = (learning.body.data?.items as Array<{ record_id: string }>)[0]!.record_id;

    // Act
    const created = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'batch_create'),
      { records: [{ fields: { 用户ID: 'u_fmt', 学习记录: [linkId], 录入时间: 1_767_542_400_000 } }] }, token);
    const read = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'search'),
      { filter: { conjunction: 'and', conditions: [{ field_name: '用户ID', operator: 'is', value: ['u_fmt'] }] } }, token);
    const readShapeLink = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'batch_create'),
      { records: [{ fields: { 学习记录: { link_record_ids: [linkId] } } }] }, token);

    // Assert
    expect((created.body.data?.records as Array<{ fields: unknown }>)[0]!.fields).toEqual({ 用户ID: 'u_fmt', 学习记录: [linkId], 录入时间: 1_767_542_400_000 });
    expect((read.body.data?.items as Array<{ fields: unknown }>)[0]!.fields).toEqual({
      用户ID: [{ type: 'text', text: 'u_fmt' }], 学习记录: { link_record_ids: [linkId] }, 录入时间: 1_767_542_400_000,
    });
    expect(readShapeLink.body.code).toBe(1254067);
  });

  test('when a page token is replayed with another query, page_size is over 500 or a delete names 501 records, then the fake refuses with HTTP 400', async () => {
    // Arrange
    const { fake, url } = await listenFeishuFake({ demo: { students: 30 } });
    const token = (await tokenOf(fake, url)).tenant_access_token;
    const first = await post(url, `${recordsPath(fake, fake.demo.studentsTableId, 'search')}?page_size=10`, {}, token);

    // Act
    const replayed = await post(url, `${recordsPath(fake, fake.demo.studentsTableId, 'search')}?page_size=10&page_token=${String(first.body.data?.page_token)}`,
      { sort: [{ field_name: '昵称' }] }, token);
    const tooBig = await post(url, `${recordsPath(fake, fake.demo.studentsTableId, 'search')}?page_size=501`, {}, token);
    const tooMany = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'batch_delete'), { records: Array.from({ length: 501 }, (_, i) => `rec${i}`) }, token);

    // Assert
    expect(first.body.data).toMatchObject({ has_more: true, total: 30 });
    expect(replayed.status).toBe(400);
    expect(tooBig).toMatchObject({ status: 400, body: { code: 99992402 } });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 99992402 } });
  });

  test('when failures are injected and settings changed over the control API, then requests answer them and the call log shows them', async () => {
    // Arrange
    const { fake, url } = await listenFeishuFake({ demo: { students: 1 } });
    const token = (await tokenOf(fake, url)).tenant_access_token;
    const control = (method: string, path: string, body?: unknown) => fetch(`${url}/__control/feishu${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });

    // Act
    const added = await control('POST', '/injections', { kind: 'too_many_requests', endpoint: 'records_search', times: 1 });
    const refused = await control('POST', '/injections', { kind: 'no_such_kind' });
    const injected = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'search'), {}, token);
    const after = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'search'), {}, token);
    await control('PATCH', '/settings', { batchWriteLimit: 1 });
    const overLimit = await post(url, recordsPath(fake, fake.demo.studentsTableId, 'batch_create'), { records: [{ fields: {} }, { fields: {} }] }, token);
    const log = (await (await control('GET', '/calls')).json()) as { byEndpoint: Record<string, number> };
    const demo = (await (await control('GET', '/demo')).json()) as Record<string, string>;

    // Assert
    expect([added.status, refused.status]).toEqual([201, 400]);
    expect([injected.body.code, after.body.code, overLimit.body.code]).toEqual([1254290, 0, 1254104]);
    expect(log.byEndpoint).toEqual({ tenant_access_token: 1, records_search: 2, records_batch_create: 1 });
    expect(demo).toEqual(fake.demo);
  });

  test('when an API is called past its calls per second, then Feishu\'s 429 answers with the seconds to wait, and a slot frees a second later', async () => {
    // Arrange
    let now = Date.UTC(2026, 0, 5);
    const { fake, url } = await listenFeishuFake({ demo: { students: 1 }, now: () => now, callsPerSecond: { records_search: 2 } });
    const token = (await tokenOf(fake, url)).tenant_access_token;
    const search = () => fetch(`${url}${recordsPath(fake, fake.demo.studentsTableId, 'search')}`, {
      method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });

    // Act
    const allowed = [await search(), await search()];
    now += 400;
    const refused = await search();
    now += 600;
    const freed = await search();

    // Assert
    expect(allowed.map((r) => r.status)).toEqual([200, 200]);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 99991400 });
    expect([refused.headers.get('x-ogw-ratelimit-limit'), refused.headers.get('x-ogw-ratelimit-reset')]).toEqual(['2', '1']);
    expect(freed.status).toBe(200);
    expect(fake.calls.count('records_search', 99991400)).toBe(1);
  });

  test('when the CLI settings are wrong, then the Feishu fake does not start and names every wrong variable', async () => {
    // Act
    const error = await startFeishuFake({ FEISHU_FAKE_PORT: 'x', FEISHU_FAKE_STUDENTS: '-1' }, () => {}).catch((e: unknown) => e);
    const started = closeWhenTestEnds(await startFeishuFake({ FEISHU_FAKE_PORT: '0', FEISHU_FAKE_STUDENTS: '2' }, () => {}));

    // Assert
    expect((error as Error).message).toMatch(/FEISHU_FAKE_PORT[\s\S]*FEISHU_FAKE_STUDENTS/);
    expect(started.fake.state.bases.get(started.fake.demo.appToken)?.tables.get(started.fake.demo.studentsTableId)?.records.size).toBe(2);
  });
});
