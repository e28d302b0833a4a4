import { describe, expect, test } from 'vitest';
import { readText } from '../src/index.ts';
import { codesOf, feishuError, startHarness } from './feishu-fake-harness.ts';

describe('Feishu client: scanning a table with our own page loop', () => {
  test('when a table spans three pages, then every record is read once and the calls are counted per endpoint', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 45 } });
    const client = h.client({ pageSize: 20 });

    // Act
    const records = await client.searchAll(h.students, { field_names: ['用户ID'] });

    // Assert
    expect(records).toHaveLength(45);
    expect(new Set(records.map((r) => readText(r.fields['用户ID']))).size).toBe(45);
    expect(client.calls.byEndpoint()).toEqual({ records_search: 3, tenant_access_token: 1 });
    expect(h.fake.calls.count('records_search', 0)).toBe(3);
  });

  test('when page 2 answers 429 until the retries are spent, then the scan throws rate_limited naming page 2, never a short table', async () => {
    // Arrange: the first page passes, every later search answers 429 (reset 0 s)
    const h = await startHarness({ demo: { students: 45 } });
    h.fake.inject({ kind: 'rate_limited', endpoint: 'records_search', after: 1, resetSeconds: 0 });
    const client = h.client({ pageSize: 20, retry: { rateLimitMaxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } });
    const seen: number[] = [];

    // Act
    const error = await feishuError((async () => {
      for await (const page of client.searchPages(h.students)) seen.push(page.records.length);
    })());

    // Assert
    expect(seen).toEqual([20]);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 99991400, httpStatus: 429, page: 2, recordsRead: 20, endpoint: 'records_search' });
    expect(error.message).toContain('第 2 页');
    expect(codesOf(h.fake, 'records_search')).toEqual([0, 99991400, 99991400, 99991400]);
  });

  test('when one 429 with x-ogw-ratelimit-reset 1 comes mid-scan, then the client waits the second out and reads the whole table', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 45 } });
    h.fake.inject({ kind: 'rate_limited', endpoint: 'records_search', after: 1, times: 1, resetSeconds: 1 });
    const client = h.client({ pageSize: 20 });
    const started = Date.now();

    // Act
    const records = await client.searchAll(h.students);

    // Assert
    expect(records).toHaveLength(45);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(codesOf(h.fake, 'records_search')).toEqual([0, 99991400, 0, 0]);
  });

  test('when a 5xx, a 1254607 and a 1255040 come in a row, then the client backs off and the scan completes; a permission error stops at once', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 5 } });
    h.fake.inject({ kind: 'server_error', endpoint: 'records_search', times: 1, status: 502 });
    h.fake.inject({ kind: 'data_not_ready', endpoint: 'records_search', times: 1 });
    h.fake.inject({ kind: 'timeout', endpoint: 'records_search', times: 1 });
    const client = h.client();

    // Act
    const records = await client.searchAll(h.students);
    h.fake.inject({ kind: 'permission_denied', endpoint: 'records_search', times: 1 });
    const denied = await feishuError(client.searchAll(h.students));

    // Assert
    expect(records).toHaveLength(5);
    expect(codesOf(h.fake, 'records_search')).toEqual([1255001, 1254607, 1255040, 0, 1254302]);
    expect(denied).toMatchObject({ kind: 'permission', code: 1254302, httpStatus: 403, retryable: false, page: 1 });
  });

  test('when a search names a field the table does not have, then the error is a field error naming it, after one re-read of the fields', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 3 } });
    const client = h.client();

    // Act
    const error = await feishuError(client.searchAll(h.students, {
      field_names: ['用户ID', '学员姓名'], filter: { conjunction: 'and', conditions: [{ field_name: '昵称', operator: 'isNotEmpty' }] },
    }));

    // Assert
    expect(error).toMatchObject({ kind: 'field', code: 1254045, fieldName: '学员姓名', retryable: false });
    expect(error.message).toContain('学员姓名');
    expect(h.fake.calls.count('fields_list', 0)).toBe(1);
  });
});
