import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { ConfigEntry, ConfigList } from '../src/contract.ts';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer', 'staff', 'admin'] });

type Role = 'viewer' | 'staff' | 'admin';
const get = (role: Role, url: string) => supertest(t.app).get(url).set('Cookie', t.cookies[role]);
const put = (role: Role, url: string, body: object, ifMatch?: string) => {
  const request = supertest(t.app).put(url).set('Cookie', t.cookies[role]);
  return (ifMatch === undefined ? request : request.set('If-Match', ifMatch)).send(body);
};

async function entry(key: string): Promise<ConfigEntry> {
  const response = await get('viewer', '/api/config/configs');
  expect(response.status).toBe(200);
  return (response.body as ConfigList).items.find((item) => item.key === key)!;
}

describe('config API', () => {
  it('when nothing was written yet, then every key is listed with its default in force at version 0', async () => {
    const response = await get('viewer', '/api/config/configs');

    expect(response.status).toBe(200);
    const items = (response.body as ConfigList).items;
    expect(items.map((item) => item.key)).toEqual(Object.keys(DEFAULT_DISPATCH_SETTINGS));
    expect(items.find((item) => item.key === 'digest')).toEqual({
      key: 'digest', value: DEFAULT_DISPATCH_SETTINGS.digest, default: DEFAULT_DISPATCH_SETTINGS.digest, version: 0, updatedBy: null, updatedAt: null, problems: [],
    });
  });

  it('when an admin changes a key, then it is in force at the next version, named with who changed it, audited with before and after', async () => {
    const value = { enabled: true, windowSeconds: 120, threshold: 3 };

    const first = await put('admin', '/api/config/configs/digest', { value, version: 0 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.etag).toBe('"1"');
    const second = await put('admin', '/api/config/configs/digest', { value: { ...value, threshold: 4 } }, '"1"');

    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ key: 'digest', value: { ...value, threshold: 4 }, version: 2, updatedBy: t.users.admin.username, problems: [] });
    expect(await entry('digest')).toEqual(second.body);
    const { rows } = await t.context.pool.query(
      "SELECT username, details FROM auth.audit_log WHERE action = 'dispatcher.config.update' AND target_id = 'digest' ORDER BY id");
    expect(rows).toEqual([
      { username: t.users.admin.username, details: { version: 1, before: null, after: value } },
      { username: t.users.admin.username, details: { version: 2, before: value, after: { ...value, threshold: 4 } } },
    ]);
  });

  it('when a viewer or staff member tries to change a key, then each is refused with 403 and nothing is written', async () => {
    const body = { value: { enabled: false }, version: 0 };

    expect((await put('viewer', '/api/config/configs/fallback', body)).status).toBe(403);
    expect((await put('staff', '/api/config/configs/fallback', body)).status).toBe(403);
    expect((await get('staff', '/api/config/configs')).status).toBe(200);
    expect(await entry('fallback')).toMatchObject({ version: 0, value: { enabled: true } });
  });

  it('when a value breaks several rules, then the 400 names every problem with its field and nothing is written', async () => {
    const response = await put('admin', '/api/config/configs/quiet_hours', {
      value: { enabled: 'yes', start: '25:00', end: '08:00', bypassPriority: 11, channels: ['sms', 'pager'] }, version: 0,
    });

    expect(response.status).toBe(400);
    expect((response.body.details as Array<{ field: string }>).map((detail) => detail.field).sort())
      .toEqual(['value.bypassPriority', 'value.channels.1', 'value.enabled', 'value.start']);
    expect(response.body.message).toContain('value.start 须为北京时间 HH:MM');
    // zod's own words come in Chinese too, as the form shows them under the field
    const byField = Object.fromEntries((response.body.details as Array<{ field: string; message: string }>).map((detail) => [detail.field, detail.message]));
    expect(byField['value.bypassPriority']).toMatch(/[\u4e00-\u9fff]/u);
    expect(byField['value.enabled']).toMatch(/[\u4e00-\u9fff]/u);
    expect(await entry('quiet_hours')).toMatchObject({ version: 0 });
  });

  it('when a limits value breaks the limits package\'s own rules, then the 400 carries its words', async () => {
    const response = await put('admin', '/api/config/configs/limits', { value: { channels: { sms: { rate: [{ limit: 0, windowMs: 1000 }] } } } });

    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('value.channels.sms.rate.0.limit');
  });

  it('when two admins edit one key from the same version, then the second is refused with 409 and the first one\'s value stays', async () => {
    const before = await entry('retry');
    const first = await put('admin', '/api/config/configs/retry', { value: { maxAttempts: 4 }, version: before.version });
    expect(first.status).toBe(200);

    const stale = await put('admin', '/api/config/configs/retry', { value: { maxAttempts: 9 }, version: before.version });
    const staleHeader = await put('admin', '/api/config/configs/retry', { value: { maxAttempts: 9 } }, `"${before.version}"`);

    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('已被他人修改');
    expect(staleHeader.status).toBe(409);
    expect(await entry('retry')).toMatchObject({ value: { maxAttempts: 4 }, version: before.version + 1 });
  });

  it('when the key is unknown, then the answer is 404', async () => {
    expect((await put('admin', '/api/config/configs/no.such_key', { value: 1 })).status).toBe(404);
  });

  it('when a row was written outside the API with a bad value, then the default stays in force and the list says why', async () => {
    await t.context.pool.query("INSERT INTO dispatch.configs (key, value) VALUES ('traces.retention_days', '\"forever\"')");

    const listed = await entry('traces.retention_days');

    expect(listed).toMatchObject({ value: 7, version: 1 });
    expect(listed.problems).toHaveLength(1);
  });
});
