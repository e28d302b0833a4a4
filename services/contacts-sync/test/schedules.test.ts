import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp, waitFor } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';
import { cleanUp } from '../src/domain/clean-up.ts';
import { startSyncSchedules, type ScheduleRunner } from '../src/entry-points/schedules.ts';

let runner: ScheduleRunner;
const t = useTestApp('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, null), {
  roles: ['staff', 'viewer'],
  env: { CONTACTS_SCHEDULE_POLL_MS: '100' },
  // as the service does with WeCom configured: the sync ticks would queue jobs, none fires during these tests
  prepare: async (context) => { runner = startSyncSchedules(context, { wecom: true }); },
});
const api = () => supertest(t.app);
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

const GOOD = {
  incremental: { enabled: true, minute: 15 },
  full: { enabled: true, time: '01:30' },
  cleanup: { enabled: false, weekday: 6, time: '04:05' },
};

describe('schedule settings', () => {
  it('when nothing was saved, then the settings in force are the seed\'s (hourly, 02:00, Sunday 03:00) and the runner has armed them', async () => {
    const response = await api().get('/api/v1/wecom/sync/schedules').set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      saved: false, retentionDays: 90,
      incremental: { enabled: true, minute: 0, cron: '0 * * * *' },
      full: { enabled: true, time: '02:00', cron: '0 2 * * *' },
      cleanup: { enabled: true, weekday: 0, time: '03:00', cron: '0 3 * * 0' },
    });
    // the next full pass is at 02:00 Beijing time, i.e. 18:00 UTC
    expect(new Date(response.body.full.nextRunAt).getUTCHours()).toBe(18);
    await waitFor('the seed\'s clean-up armed', () => runner.armed().cleanup.cron === '0 3 * * 0', { timeoutMs: 5_000 });
  });

  it('when staff save new times, then they are stored and audited, and the runner re-arms within seconds (a switched-off one disarmed)', async () => {
    const response = await api().put('/api/v1/wecom/sync/schedules').set('Cookie', t.cookies.staff).send(GOOD);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ saved: true, updatedBy: t.users.staff.username, full: { time: '01:30', cron: '30 1 * * *' }, cleanup: { enabled: false, cron: 'off', nextRunAt: null } });
    expect(await rows('SELECT name, enabled, minute, hour, weekday FROM contacts.schedule_settings ORDER BY name')).toEqual([
      { name: 'cleanup', enabled: false, minute: 5, hour: 4, weekday: 6 },
      { name: 'full', enabled: true, minute: 30, hour: 1, weekday: null },
      { name: 'incremental', enabled: true, minute: 15, hour: null, weekday: null },
    ]);
    const [audit] = await rows("SELECT username, details FROM auth.audit_log WHERE action = 'contacts.schedules.update'");
    expect(audit).toEqual({ username: t.users.staff.username, details: expect.objectContaining({ full: { from: '0 2 * * *', to: '30 1 * * *' } }) });
    const started = Date.now();
    await waitFor('the saved times armed', () => runner.armed().full.cron === '30 1 * * *' && runner.armed().cleanup.cron === 'off', { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(runner.armed().incremental).toMatchObject({ cron: '15 * * * *' });
    expect(runner.armed().incremental.nextRun!.getUTCMinutes()).toBe(15);
  });

  it('when a value is out of range, then nothing is saved and the 400 names each field in Chinese', async () => {
    const before = await rows('SELECT * FROM contacts.schedule_settings ORDER BY name');

    const response = await api().put('/api/v1/wecom/sync/schedules').set('Cookie', t.cookies.staff)
      .send({ ...GOOD, full: { enabled: true, time: '25:00' }, incremental: { enabled: true, minute: 60 } });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual(expect.arrayContaining([
      { field: 'full.time', message: '全量同步的时间须为 HH:MM（00:00–23:59）' },
      { field: 'incremental.minute', message: '增量同步的分钟须为 0–59 的整数' },
    ]));
    expect(await rows('SELECT * FROM contacts.schedule_settings ORDER BY name')).toEqual(before);
  });

  it('when a viewer saves, then it is refused and nothing changes', async () => {
    const response = await api().put('/api/v1/wecom/sync/schedules').set('Cookie', t.cookies.viewer).send(GOOD);

    expect(response.status).toBe(403);
  });

  it('when the clean-up runs, then old change-log rows and old applied callbacks go, recent ones and unapplied ones stay', async () => {
    const [run] = await rows("INSERT INTO contacts.sync_runs (mode, pass, state) VALUES ('full', 1, 'succeeded') RETURNING id");
    await t.context.pool.query(
      `INSERT INTO contacts.changes (run_id, entity, entity_key, change, at) VALUES
         ($1, 'contact', 'old', 'added', now() - interval '100 days'), ($1, 'contact', 'new', 'added', now() - interval '10 days')`, [run.id]);
    await t.context.pool.query(
      `INSERT INTO contacts.callback_inbox (body_sha256, event_type, raw_plaintext, received_at, applied_at) VALUES
         ('old-applied', 'change_external_contact', '<xml/>', now() - interval '100 days', now() - interval '100 days'),
         ('old-pending', 'change_external_contact', '<xml/>', now() - interval '100 days', NULL),
         ('new-applied', 'change_external_contact', '<xml/>', now() - interval '1 day', now() - interval '1 day')`);

    const result = await cleanUp(t.context.pool, 90);

    expect(result).toMatchObject({ changes: 1, callbacks: 1 });
    expect((await rows('SELECT entity_key FROM contacts.changes WHERE run_id = $1', [run.id])).map((r) => r.entity_key)).toEqual(['new']);
    expect((await rows('SELECT body_sha256 FROM contacts.callback_inbox ORDER BY body_sha256')).map((r) => r.body_sha256)).toEqual(['new-applied', 'old-pending']);
  });
});
