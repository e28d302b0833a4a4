import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettingKey } from '../src/domain/dispatch-settings.ts';
import { createSettingsWatcher, type SettingsWatcher } from '../src/domain/settings-watcher.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['admin'] });
let watcher: SettingsWatcher;
const changes: DispatchSettingKey[][] = [];

beforeAll(async () => {
  // a long poll, so a change seen within a second came through NOTIFY
  watcher = createSettingsWatcher({ pool: t.context.pool, logger: t.context.logger, pollMs: 60_000 });
  watcher.onChange((_settings, changed) => changes.push(changed));
  await watcher.start();
});
afterAll(() => watcher.stop());

describe('settings watcher', () => {
  it('when an admin changes a key through the API, then the watcher has the new value within a second and tells its listeners which key changed', async () => {
    expect(watcher.current().dedupe).toEqual(DEFAULT_DISPATCH_SETTINGS.dedupe);
    const started = Date.now();

    const response = await supertest(t.app).put('/api/config/configs/dedupe').set('Cookie', t.cookies.admin).send({ value: { windowSeconds: 30 }, version: 0 });
    expect(response.status).toBe(200);

    await waitFor('the watcher to load the change', () => watcher.current().dedupe.windowSeconds === 30, { timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(changes).toContainEqual(['dedupe']);
    expect(watcher.current().retry).toEqual(DEFAULT_DISPATCH_SETTINGS.retry);
  });

  it('when a row changes without a notification (the LISTEN connection was lost), then the poll loads it within two seconds', async () => {
    const polling = createSettingsWatcher({ pool: t.context.pool, logger: t.context.logger, pollMs: 500 });
    await polling.start();
    try {
      // a plain UPDATE, no NOTIFY: only the poll can see it
      await t.context.pool.query(`INSERT INTO dispatch.configs (key, value) VALUES ('workers.concurrency', $1)`,
        [JSON.stringify({ ...DEFAULT_DISPATCH_SETTINGS['workers.concurrency'], sms: 3 })]);

      await waitFor('the poll to load the change', () => polling.current()['workers.concurrency'].sms === 3, { timeoutMs: 2_000 });
    } finally {
      await polling.stop();
    }
  });

  it('when a row does not validate, then its default stays in force and the other keys still load', async () => {
    await t.context.pool.query(`INSERT INTO dispatch.configs (key, value) VALUES ('fallback', '{"enabled": "sometimes"}'), ('retry', '{"maxAttempts": 2}')`);

    await watcher.reload();

    expect(watcher.current().fallback).toEqual(DEFAULT_DISPATCH_SETTINGS.fallback);
    expect(watcher.current().retry).toEqual({ maxAttempts: 2 });
  });
});
