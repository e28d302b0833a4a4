import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { baseConfigShape, insertJob, findJob, type Pool } from '@doitcrm/kit';
import { useTestService } from '@doitcrm/kit/testing';
import type { WecomClient } from '@doitcrm/wecom';
import {
  fetchNames, FetchNamesStoppedError, type FetchNamesJob, type FetchNamesOptions, type ProgressSink,
} from '../src/domain/fetch-names.ts';
import {
  apiCalls, clearIdentities, clientOf, FAST_JOB_OPTIONS, fakeNameOf, identitiesById, resetFake, school, schoolRoomIds, schoolUserIds,
  seedIdentities, startFakeWecom, users, type FakeServer,
} from './fetch-names-fixtures.ts';

let pool: Pool;
let wecom: FakeServer;
let client: WecomClient;

beforeAll(async () => {
  wecom = await startFakeWecom();
  client = clientOf(wecom);
});
afterAll(async () => {
  await wecom?.close();
});
const t = useTestService('mapper', baseConfigShape, {
  async prepare(context) {
    pool = context.pool;
  },
});
beforeEach(async () => {
  resetFake(wecom.fake);
  await clearIdentities(pool);
});

/** A job row in `running`, as the consumer leaves it before calling the use case. */
async function startedJob(): Promise<string> {
  const job = await insertJob(pool, { type: 'mapper.fetch-names' });
  await t.context.jobReporter(job.id).start();
  return job.id;
}

async function runJob(job: Partial<FetchNamesJob> = {}, options: FetchNamesOptions = {}, reporter?: ProgressSink, useClient = client) {
  const jobId = job.jobId ?? await startedJob();
  return fetchNames({ pool, client: useClient }, { jobId, idType: 'user_id', filter: {}, onlyPending: true, ...job },
    reporter ?? t.context.jobReporter(jobId), { ...FAST_JOB_OPTIONS, ...options });
}

const unresolvableOnPurpose = () => wecom.fake.state.directory.unresolvable;
const botIds = school.bots.map((bot) => bot.externalId);

describe('fetching WeCom names', () => {
  it('when a job walks every pending user id, then names are written, the fake\'s deliberate failures and bots are unresolvable with their reasons, and a second pending-only job does not ask WeCom about them again', async () => {
    const allUsers = schoolUserIds();
    await seedIdentities(pool, users(allUsers));
    const failingUsers = unresolvableOnPurpose().filter((u) => allUsers.includes(u.id));

    const first = await runJob();

    expect(failingUsers.length).toBeGreaterThanOrEqual(4);
    expect(first).toMatchObject({ total: allUsers.length, failed: 0, skipped: 0, unresolvable: failingUsers.length + botIds.length });
    expect(first.resolved).toBe(allUsers.length - failingUsers.length - botIds.length);
    expect(first.unresolvableSamples).toHaveLength(failingUsers.length + botIds.length);
    const rows = await identitiesById(pool);
    for (const failing of failingUsers) {
      expect(rows.get(failing.id)).toMatchObject({ name_status: 'unresolvable', name_error: expect.stringMatching(new RegExp(`^${failing.errcode} `)) });
    }
    for (const bot of botIds) expect(rows.get(bot)).toMatchObject({ name_status: 'unresolvable', name_error: expect.stringContaining('机器人') });
    const parent = school.parents.find((p) => rows.get(p.externalId)?.name_status === 'resolved')!;
    expect(rows.get(parent.externalId)).toMatchObject({ wecom_nickname: fakeNameOf(wecom.fake, parent.externalId), name_error: null, name_fetched_at: expect.any(Date) });
    const teacher = school.staff.find((s) => rows.get(s.userId)?.name_status === 'resolved')!;
    expect(rows.get(teacher.userId)?.wecom_nickname).toBe(teacher.name);

    // a few names go stale; the next pending-only job asks about those, never again about the unresolvable ones
    const stale = school.parents.slice(100, 110).map((p) => p.externalId).filter((id) => rows.get(id)?.name_status === 'resolved');
    await pool.query("UPDATE crm.identities SET name_status = 'pending' WHERE original_id = ANY($1)", [stale]);
    wecom.fake.calls.clear();
    const second = await runJob();

    expect(second).toMatchObject({ total: stale.length, resolved: stale.length, unresolvable: 0 });
    expect(apiCalls(wecom.fake)).toBe(stale.length);
    expect(apiCalls(wecom.fake, failingUsers.map((u) => u.id))).toBe(0);
  });

  it('when room ids are walked, then class and internal groups get their names and the dismissed group is unresolvable (49008)', async () => {
    const rooms = schoolRoomIds();
    await seedIdentities(pool, rooms.map((originalId) => ({ idType: 'room_id', originalId })));
    const dismissed = unresolvableOnPurpose().find((u) => u.errcode === 49008)!;

    const result = await runJob({ idType: 'room_id' });

    expect(result).toMatchObject({ total: rooms.length, resolved: rooms.length - 1, unresolvable: 1, failed: 0 });
    const rows = await identitiesById(pool);
    expect(rows.get(dismissed.id)?.name_error).toMatch(/^49008 /);
    const internal = school.otherGroups.find((g) => g.kind === 'internal_group')!;
    expect(rows.get(internal.roomId)?.wecom_nickname).toBe(internal.name);
    expect(rows.get(school.classes[0]!.roomId)?.wecom_nickname).toBe(fakeNameOf(wecom.fake, school.classes[0]!.roomId));
  });

  it('when WeCom answers a burst of −1 (system busy), then the client and the job retry and every id still ends resolved', async () => {
    const ids = school.parents.slice(0, 120).map((p) => p.externalId).filter((id) => !unresolvableOnPurpose().some((u) => u.id === id));
    await seedIdentities(pool, users(ids));
    // one id fails more often than the client retries by itself (4 tries), so the job's own retry is needed too
    wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: -1, times: 5, forIds: [ids[7]!] });
    wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: -1, times: 15 });

    const result = await runJob({}, { retry: { retries: 5, baseDelayMs: 5, maxDelayMs: 20 } });

    expect(result).toMatchObject({ total: ids.length, resolved: ids.length, unresolvable: 0, failed: 0 });
    expect(wecom.fake.calls.count('externalcontact/get', -1)).toBe(20);
    expect(wecom.fake.calls.forEndpoint('externalcontact/get').filter((call) => call.ids.includes(ids[7]!)).length).toBeGreaterThanOrEqual(6);
    const rows = await identitiesById(pool);
    expect([...rows.values()].every((row) => row.name_status === 'resolved')).toBe(true);
  });

  it('when one id keeps failing transiently, then it is retried a few times, left pending and counted failed, and the job goes on', async () => {
    const ids = school.parents.slice(0, 30).map((p) => p.externalId).filter((id) => !unresolvableOnPurpose().some((u) => u.id === id));
    await seedIdentities(pool, users(ids));
    const flaky = ids[3]!;
    wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: -1, forIds: [flaky] });

    const result = await runJob({}, { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } }, undefined, clientOf(wecom, { retry: { busyMaxRetries: 1 } }));

    expect(result).toMatchObject({ total: ids.length, resolved: ids.length - 1, failed: 1, unresolvable: 0 });
    // three job attempts, each the client's two tries
    expect(apiCalls(wecom.fake, [flaky])).toBe(6);
    const rows = await identitiesById(pool);
    expect(rows.get(flaky)).toMatchObject({ name_status: 'pending', name_error: null, wecom_nickname: null });
  });

  it('when every lookup keeps failing (WeCom down), then the job stops after a run of failed ids instead of retrying every id, and they stay pending', async () => {
    const ids = school.parents.slice(0, 60).map((p) => p.externalId);
    await seedIdentities(pool, users(ids));
    wecom.fake.inject({ endpoint: 'externalcontact/get', errcode: -1 });

    const outcome = runJob({}, { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 }, maxConsecutiveFailures: 5 }, undefined,
      clientOf(wecom, { retry: { busyMaxRetries: 0 } }));

    await expect(outcome).rejects.toThrow(/企业微信连续 5 个 id 暂时失败，已停止.*-1/);
    // the ids failing when the breaker tripped, plus those already in flight: never the whole walk
    expect(apiCalls(wecom.fake)).toBeLessThanOrEqual((5 + FAST_JOB_OPTIONS.concurrency!) * 2);
    const rows = await identitiesById(pool);
    expect([...rows.values()].every((row) => row.name_status === 'pending')).toBe(true);
  });

  it('when the server IP is not trusted (60020), then the job stops at once with the hint and marks nothing unresolvable', async () => {
    await seedIdentities(pool, users(school.parents.slice(0, 50).map((p) => p.externalId)));
    wecom.fake.setIpTrusted(false);

    const outcome = runJob();

    await expect(outcome).rejects.toThrow(FetchNamesStoppedError);
    await expect(outcome).rejects.toThrow(/60020.*服务器 IP 不在企业微信可信 IP 列表中/);
    expect(apiCalls(wecom.fake)).toBeLessThanOrEqual(FAST_JOB_OPTIONS.concurrency!);
    const rows = await identitiesById(pool);
    expect([...rows.values()].every((row) => row.name_status === 'pending')).toBe(true);
  });

  it('when a filter is given (keyword, idKind), then only the ids it matches are looked up', async () => {
    const allUsers = schoolUserIds();
    const weekend = school.parents.slice(10, 13).map((p) => p.externalId);
    await seedIdentities(pool, users(allUsers.filter((id) => !weekend.includes(id))));
    await seedIdentities(pool, users(weekend, { businessName: '周末班家长' }));

    const byKeyword = await runJob({ filter: { keyword: '周末班' } });
    const keywordCalls = wecom.fake.calls.all().filter((call) => call.endpoint !== 'gettoken').flatMap((call) => call.ids);
    wecom.fake.calls.clear();
    const byKind = await runJob({ filter: { idKind: 'staff' } });

    expect(byKeyword).toMatchObject({ total: 3, resolved: 3 });
    expect(keywordCalls.sort()).toEqual([...weekend].sort());
    expect(byKind.total).toBe(school.staff.length);
    expect(wecom.fake.calls.count('user/get')).toBe(school.staff.length);
    expect(wecom.fake.calls.count('externalcontact/get')).toBe(0);
  });

  it('when ids have business names, roles and notes, then fetching names (all, not only pending) never touches them', async () => {
    const teacher = school.staff[0]!;
    const parent = school.parents[1]!;
    const deleted = unresolvableOnPurpose().find((u) => u.errcode === 84061)!;
    await seedIdentities(pool, [
      { idType: 'user_id', originalId: teacher.userId, businessName: 'Lily老师', userRole: 'teacher', notes: '周六上午', nameStatus: 'resolved', wecomNickname: '旧名字' },
      { idType: 'user_id', originalId: parent.externalId, businessName: '小明妈妈', userRole: 'parent', notes: '只在周末回复' },
      { idType: 'user_id', originalId: deleted.id, businessName: '已退费家长', userRole: 'parent', notes: '勿打扰', wecomNickname: '曾经的昵称' },
    ]);

    await runJob({ onlyPending: false });

    const rows = await identitiesById(pool);
    expect(rows.get(teacher.userId)).toMatchObject({ business_name: 'Lily老师', user_role: 'teacher', notes: '周六上午', wecom_nickname: teacher.name });
    expect(rows.get(parent.externalId)).toMatchObject({ business_name: '小明妈妈', user_role: 'parent', notes: '只在周末回复', name_status: 'resolved' });
    expect(rows.get(deleted.id)).toMatchObject({
      business_name: '已退费家长', user_role: 'parent', notes: '勿打扰', wecom_nickname: '曾经的昵称', name_status: 'unresolvable',
    });
  });

  it('when the worker crashes mid-job, then the redelivered job continues after its checkpoint instead of starting over', async () => {
    // already-resolved ids walked again (not only pending): only the checkpoint can tell what this job has done
    const ids = school.parents.slice(0, 100).map((p) => p.externalId);
    await seedIdentities(pool, users(ids, { nameStatus: 'resolved', wecomNickname: '旧昵称' }));
    const jobId = await startedJob();
    const pageSize = 10;
    const crashingReporter: ProgressSink = {
      progress: async (done) => {
        if (done >= 35) throw new Error('worker killed');
      },
    };

    await expect(runJob({ jobId, onlyPending: false }, { pageSize }, crashingReporter)).rejects.toThrow('worker killed');
    const afterCrash = await findJob(pool, jobId);
    const callsBeforeResume = apiCalls(wecom.fake);
    const resumed = await runJob({ jobId, onlyPending: false }, { pageSize });

    expect(afterCrash?.result).toMatchObject({ checkpoint: { total: 100 } });
    const checkpoint = (afterCrash?.result as { checkpoint: { resolved: number; unresolvable: number } }).checkpoint;
    expect(checkpoint.resolved + checkpoint.unresolvable).toBe(30);
    expect(callsBeforeResume).toBeGreaterThanOrEqual(35);
    // the resumed run asks only about the 70 ids after the checkpoint: the crashed page is the only one asked twice
    expect(apiCalls(wecom.fake) - callsBeforeResume).toBe(70);
    expect(apiCalls(wecom.fake)).toBeLessThanOrEqual(100 + pageSize);
    expect(resumed).toMatchObject({ total: 100, failed: 0, skipped: 0 });
    expect(resumed.resolved + resumed.unresolvable).toBe(100);
    const rows = await identitiesById(pool);
    expect([...rows.values()].filter((row) => row.wecom_nickname === '旧昵称' && row.name_status === 'resolved')).toEqual([]);
  });

  it('when a pending-only job\'s worker crashes mid-page, then the names it had already fetched are kept and WeCom is not asked for them again', async () => {
    const ids = school.parents.slice(0, 100).map((p) => p.externalId);
    await seedIdentities(pool, users(ids));
    const jobId = await startedJob();
    const crashingReporter: ProgressSink = {
      progress: async (done) => {
        if (done >= 35) throw new Error('worker killed');
      },
    };

    await expect(runJob({ jobId }, { pageSize: 10, concurrency: 1 }, crashingReporter)).rejects.toThrow('worker killed');
    const callsBeforeResume = apiCalls(wecom.fake);
    await runJob({ jobId }, { pageSize: 10, concurrency: 1 });

    // 35 answered before the crash (the 35th stored as it came); only the other 65 are asked after it
    expect(apiCalls(wecom.fake) - callsBeforeResume).toBe(65);
    const rows = await identitiesById(pool);
    expect([...rows.values()].filter((row) => row.name_status === 'pending')).toEqual([]);
  });
});
