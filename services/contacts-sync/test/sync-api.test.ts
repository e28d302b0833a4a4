import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { withAdvisoryLock } from '@doitcrm/kit';
import { useTestApp, waitForJob } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';
import { findRun, insertRun } from '../src/data-access/run-repository.ts';
import { SYNC_LOCK } from '../src/domain/request-sync.ts';
import { startSyncConsumer } from '../src/entry-points/queue/sync-consumer.ts';
import { fakeDirectory, useFakeWecom, wecomEnv } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestApp('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, wecom.client), {
  roles: ['staff', 'viewer'],
  env: () => wecomEnv(wecom),
  prepare: (context) => startSyncConsumer(context, wecom.client),
});
const api = () => supertest(t.app);
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

async function syncAndWait(mode: 'full' | 'incremental', force = false) {
  const response = await api().post(`/api/v1/wecom/sync/contacts?mode=${mode}&force=${force}`).set('Cookie', t.cookies.staff);
  expect(response.status).toBe(202);
  const job = await waitForJob({ app: t.app, cookie: t.cookies.staff }, response.body.jobId, { timeoutMs: 60_000 });
  return { accepted: response.body as { runId: number; jobId: string; resumedFrom: number | null }, job };
}

describe('sync API', () => {
  it('when a viewer asks for a sync, then it is refused and nothing is queued', async () => {
    const response = await api().post('/api/v1/wecom/sync/contacts?mode=full').set('Cookie', t.cookies.viewer);

    expect(response.status).toBe(403);
    expect(await rows('SELECT id FROM contacts.sync_runs')).toEqual([]);
  });

  it('when a page on another site makes a signed-in staff browser start a sync, then it is refused with 403 and nothing is queued', async () => {
    const response = await api().post('/api/v1/wecom/sync/contacts?mode=full').set('Cookie', t.cookies.staff).set('Origin', 'https://evil.example');

    expect(response.status).toBe(403);
    expect(await rows('SELECT id FROM contacts.sync_runs')).toEqual([]);
  });

  it('when staff start a full sync, then the job runs it to the end, reports progress and the status names the run', async () => {
    const { accepted, job } = await syncAndWait('full');

    expect(job).toMatchObject({ status: 'succeeded', type: 'contacts.sync' });
    expect(job.message).toMatch(/^同步完成/);
    expect(job.progressDone).toBe(job.progressTotal);
    const status = await api().get('/api/v1/wecom/sync/status').set('Cookie', t.cookies.viewer);
    expect(status.status).toBe(200);
    expect(status.body.current).toBeNull();
    expect(status.body.lastSucceeded).toMatchObject({ id: accepted.runId, mode: 'full', state: 'succeeded', passComplete: true });
    expect(status.body.lastSucceeded.counters.relationsSeen).toBe(fakeDirectory(wecom.fake).pairs.length);
    expect(await rows("SELECT action FROM auth.audit_log WHERE action = 'contacts.sync.start'")).toHaveLength(1);
  });

  it('when a run is active, then another is refused with 409; force replaces it only once its process is gone, and the new run completes', async () => {
    const stuck = await insertRun(t.context.pool, { mode: 'incremental', jobId: null, createdBy: null, state: 'running' });
    let release!: () => void;
    const holding = new Promise<void>((resolve) => { release = resolve; });
    const held = withAdvisoryLock(t.context.pool, SYNC_LOCK, () => holding);

    const refused = await api().post('/api/v1/wecom/sync/contacts?mode=incremental').set('Cookie', t.cookies.staff);
    const forcedWhileAlive = await api().post('/api/v1/wecom/sync/contacts?mode=incremental&force=true').set('Cookie', t.cookies.staff);
    release();
    await held;
    const { accepted, job } = await syncAndWait('incremental', true);

    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual([{ field: 'runId', message: String(stuck.id) }]);
    expect(forcedWhileAlive.status).toBe(409);
    expect(await findRun(t.context.pool, stuck.id)).toMatchObject({ state: 'abandoned' });
    expect(job.status).toBe('succeeded');
    expect(accepted.runId).toBeGreaterThan(stuck.id);
  });

  it('when the WeCom setup is tested, then it reports the counts and writes nothing; an app without 客户联系 permission is named as the cause', async () => {
    const before = await rows('SELECT (SELECT count(*) FROM contacts.sync_runs) AS runs, (SELECT count(*) FROM contacts.follow_relations) AS relations');

    const ok = await api().post('/api/v1/wecom/sync/test').set('Cookie', t.cookies.staff);
    wecom.fake.setPermissions('contact', ['user/get', 'user/list_id', 'externalcontact/get_follow_user_list', 'externalcontact/groupchat/list']);
    const refused = await api().post('/api/v1/wecom/sync/test').set('Cookie', t.cookies.staff);
    wecom.fake.setPermissions('contact', 'all');
    const saved = wecom.fake.state.directory.externalContacts;
    wecom.fake.state.directory.externalContacts = new Map();
    const empty = await api().post('/api/v1/wecom/sync/test').set('Cookie', t.cookies.staff);
    wecom.fake.state.directory.externalContacts = saved;

    const directory = fakeDirectory(wecom.fake);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      ok: true, staff: wecom.fake.state.directory.users.size, customers: directory.customers, relations: directory.pairs.length,
      groups: directory.groups.length, hints: [],
    });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.probes).toContainEqual(expect.objectContaining({ api: 'externalcontact/batch/get_by_user', ok: false, errcode: 48002 }));
    expect(refused.body.hints.join()).toMatch(/可调用接口的应用/);
    expect(empty.body).toMatchObject({ ok: false, followUsers: 0 });
    expect(empty.body.hints.join()).toMatch(/客户联系.*可见范围/);
    expect(await rows('SELECT (SELECT count(*) FROM contacts.sync_runs) AS runs, (SELECT count(*) FROM contacts.follow_relations) AS relations')).toEqual(before);
  });
});

describe('contact reads', () => {
  it('when a viewer pages through customers, then each page follows the last, phones are masked and the read is audited with whom it showed', async () => {
    const first = await api().get('/api/contacts?limit=20').set('Cookie', t.cookies.viewer);
    const second = await api().get(`/api/contacts?limit=20&after=${encodeURIComponent(first.body.next)}`).set('Cookie', t.cookies.viewer);

    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(20);
    expect(second.body.items[0].externalUserId > first.body.items.at(-1).externalUserId).toBe(true);
    const phones = [...first.body.items, ...second.body.items].flatMap((c: { follows: Array<{ remarkMobiles: string[] }> }) => c.follows.flatMap((f) => f.remarkMobiles));
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const [audit] = await rows("SELECT user_id, details FROM auth.audit_log WHERE action = 'contacts.contact.list' ORDER BY id LIMIT 1");
    expect(Number(audit.user_id)).toBe(t.users.viewer.id);
    expect(audit.details.ids).toEqual(first.body.items.map((c: { externalUserId: string }) => c.externalUserId));
  });

  it('when customers are searched by part of a name or by following member, then only matching ones come back', async () => {
    const contact = [...wecom.fake.state.directory.externalContacts.values()][3]!;
    const part = contact.external_contact.name.slice(0, 2);
    const member = contact.follow_user[0]!.userid;

    const byName = await api().get(`/api/contacts?q=${encodeURIComponent(part)}&limit=200`).set('Cookie', t.cookies.viewer);
    const byStaff = await api().get(`/api/contacts?staff=${encodeURIComponent(member)}&limit=200`).set('Cookie', t.cookies.viewer);
    const wildcard = await api().get('/api/contacts?q=%25').set('Cookie', t.cookies.viewer);

    expect(byName.body.items.map((c: { externalUserId: string }) => c.externalUserId)).toContain(contact.external_contact.external_userid);
    for (const c of byName.body.items) expect(`${c.name}${c.follows.map((f: { remark: string }) => f.remark).join()}`).toContain(part);
    for (const c of byStaff.body.items) expect(c.follows.map((f: { userId: string }) => f.userId)).toContain(member);
    expect(wildcard.body.items).toEqual([]);
  });

  it('when one customer is opened, then the relations and groups come back and the view is audited; an unknown id is 404', async () => {
    const id = [...wecom.fake.state.directory.externalContacts.keys()][0]!;

    const found = await api().get(`/api/contacts/${id}`).set('Cookie', t.cookies.viewer);
    const missing = await api().get('/api/contacts/wmNOSUCHCUSTOMER').set('Cookie', t.cookies.viewer);

    expect(found.status).toBe(200);
    expect(found.body.follows.length).toBe(wecom.fake.state.directory.externalContacts.get(id)!.follow_user.length);
    expect(Array.isArray(found.body.groups)).toBe(true);
    expect(await rows("SELECT target_id FROM auth.audit_log WHERE action = 'contacts.contact.view'")).toEqual([{ target_id: id }]);
    expect(missing.status).toBe(404);
  });
});
