import type { Express } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertJob, type Broker, type JobSnapshot, type ServiceContext } from '@doitcrm/kit';
import { useTestApp, waitForJob } from '@doitcrm/kit/testing';
import type { MapperFetchNamesJob } from '@doitcrm/types';
import { createWecomClientFromSettings, WECOM_NOT_CONFIGURED, type WecomClient } from '@doitcrm/wecom';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape, type MapperConfig } from '../src/config.ts';
import { createWecomRoutes } from '../src/entry-points/api/wecom-routes.ts';
import { FETCH_NAMES_QUEUE, startFetchNamesConsumer } from '../src/entry-points/queue/fetch-names-consumer.ts';
import {
  apiCalls, clearIdentities, FAST_CLIENT_OPTIONS, FAST_JOB_OPTIONS, resetFake, school, schoolUserIds, seedIdentities, startFakeWecom, users,
  type FakeServer,
} from './fetch-names-fixtures.ts';

let wecom: FakeServer;
let client: WecomClient;
let bareClient: WecomClient | null;

function wecomApp(context: ServiceContext<MapperConfig>, wecomClient: WecomClient | null): Express {
  return createMapperApp(context, [createWecomRoutes(context, wecomClient)]);
}

beforeAll(async () => {
  wecom = await startFakeWecom();
});
afterAll(async () => {
  await wecom?.close();
});
const t = useTestApp('mapper', mapperConfigShape, (context) => wecomApp(context, client), {
  roles: ['staff', 'viewer'],
  env: () => ({ WECOM_BASE_URL: wecom.url, WECOM_CORP_ID: wecom.fake.corpId, WECOM_SECRET: wecom.fake.secret, WECOM_ARCHIVE_SECRET: wecom.fake.archiveSecret }),
  async prepare(context) {
    client = createWecomClientFromSettings(context.config, { logger: context.logger, redis: context.redis }, FAST_CLIENT_OPTIONS)!;
    await startFetchNamesConsumer(context, client, FAST_JOB_OPTIONS);
  },
});
/** a second mapper with no WeCom credentials at all */
const bare = useTestApp('mapper', mapperConfigShape, (context) => wecomApp(context, bareClient), {
  roles: ['staff'],
  env: { WECOM_CORP_ID: '', WECOM_SECRET: '', WECOM_ARCHIVE_SECRET: '' },
  async prepare(context) {
    bareClient = createWecomClientFromSettings(context.config, { logger: context.logger, redis: context.redis });
    await startFetchNamesConsumer(context, bareClient, FAST_JOB_OPTIONS);
  },
});
beforeEach(async () => {
  resetFake(wecom.fake);
  await clearIdentities(t.context.pool);
});

/** Polls the job as a page would, keeping every snapshot seen on the way. */
async function watchJob(app: Express, cookie: string, jobId: string): Promise<{ final: JobSnapshot; seen: JobSnapshot[] }> {
  const seen: JobSnapshot[] = [];
  const final = await waitForJob({ app, cookie }, jobId, { timeoutMs: 30_000, onSnapshot: (job) => seen.push(job) });
  return { final, seen };
}

async function auditActions(action: string): Promise<Array<{ target_id: string; details: Record<string, unknown>; user_id: number | null }>> {
  const { rows } = await t.context.pool.query('SELECT target_id, details, user_id FROM auth.audit_log WHERE action = $1 ORDER BY id', [action]);
  return rows;
}

describe('mapper WeCom HTTP API', () => {
  it.each([
    ['post', '/api/fetch-names'], ['get', '/api/wecom/status'], ['get', '/api/wecom/test-connection'],
  ] as const)('when %s %s is called without a session, then it answers 401', async (method, url) => {
    const response = await supertest(t.app)[method](url).send({ idType: 'user_id' });

    expect(response.status).toBe(401);
  });

  it.each([
    ['post', '/api/fetch-names'], ['get', '/api/wecom/test-connection'],
  ] as const)('when a viewer calls %s %s, then it answers 403 and WeCom is not asked', async (method, url) => {
    const response = await supertest(t.app)[method](url).set('Cookie', t.cookies.viewer).send({ idType: 'user_id' });

    expect(response.status).toBe(403);
    expect(apiCalls(wecom.fake)).toBe(0);
  });

  it.each([
    [{ idType: 'group' }, 'idType'],
    [{}, 'idType'],
    [{ idType: 'user_id', onlyPending: 'yes' }, 'onlyPending'],
    [{ idType: 'user_id', filter: { from: 'yesterday' } }, 'filter.from'],
    [{ idType: 'user_id', filter: { idKind: 'robot' } }, 'filter.idKind'],
  ])('when the body is %j, then 400 names %s and no job is created', async (body, field) => {
    const before = await t.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'mapper.fetch-names'");

    const response = await supertest(t.app).post('/api/fetch-names').set('Cookie', t.cookies.staff).send(body);

    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    const after = await t.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'mapper.fetch-names'");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('when WeCom is not configured, then starting a job and testing the connection answer 409 saying what to set, and the status says so', async () => {
    const start = await supertest(bare.app).post('/api/fetch-names').set('Cookie', bare.cookies.staff).send({ idType: 'user_id' });
    const test = await supertest(bare.app).get('/api/wecom/test-connection').set('Cookie', bare.cookies.staff);
    const status = await supertest(bare.app).get('/api/wecom/status').set('Cookie', bare.cookies.staff);

    expect(start.status).toBe(409);
    expect(start.body.message).toBe(WECOM_NOT_CONFIGURED);
    expect(test.status).toBe(409);
    expect(status.body).toEqual({ configured: false, baseUrl: 'https://qyapi.weixin.qq.com', corpId: null, archiveSecret: false });
    const { rows } = await bare.context.pool.query("SELECT count(*)::int AS n FROM ops.jobs WHERE type = 'mapper.fetch-names'");
    expect(rows[0].n).toBe(0);
  });

  it('when a queued job reaches a worker without WeCom credentials, then it fails at once with the same message', async () => {
    const job = await insertJob(bare.context.pool, { type: FETCH_NAMES_QUEUE });
    const message: MapperFetchNamesJob = { jobId: job.id, idType: 'user_id', filter: {}, onlyPending: true, userId: null };

    await bare.context.broker.sendJob(FETCH_NAMES_QUEUE, message);
    const { final } = await watchJob(bare.app, bare.cookies.staff, job.id);

    expect(final).toMatchObject({ status: 'failed', error: WECOM_NOT_CONFIGURED });
  });

  it('when WeCom is configured, then the status shows the base URL, corp id and whether an archive secret is set, never a secret', async () => {
    const response = await supertest(t.app).get('/api/wecom/status').set('Cookie', t.cookies.viewer);

    expect(response.body).toEqual({ configured: true, baseUrl: wecom.url, corpId: wecom.fake.corpId, archiveSecret: true });
    expect(response.text).not.toContain(wecom.fake.secret);
    expect(response.text).not.toContain(wecom.fake.archiveSecret);
  });

  it('when a staff user starts a job, then 202 gives its id, the job runs through the queue with live progress, and its result counts every id', async () => {
    const allUsers = schoolUserIds().slice(0, 400);
    await seedIdentities(t.context.pool, users(allUsers));
    // ≥ 2 s (400 ids × 40 ms / 8 in flight): the job row is written at most once a second, so it shows progress midway
    wecom.fake.state.latencyMs = 40;

    const response = await supertest(t.app).post('/api/fetch-names').set('Cookie', t.cookies.staff).send({ idType: 'user_id' });
    const { final, seen } = await watchJob(t.app, t.cookies.staff, response.body.jobId);

    expect(response.status).toBe(202);
    expect(final).toMatchObject({
      status: 'succeeded', type: 'mapper.fetch-names', createdBy: t.users.staff.id, params: { idType: 'user_id', filter: {}, onlyPending: true },
      progressDone: allUsers.length, progressTotal: allUsers.length,
      result: { total: allUsers.length, failed: 0, skipped: 0, unresolvableSamples: expect.any(Array) },
    });
    const result = final.result as { resolved: number; unresolvable: number };
    expect(result.resolved + result.unresolvable).toBe(allUsers.length);
    expect(final.message).toMatch(/昵称获取完成/);
    const midway = seen.filter((job) => job.status === 'running' && job.progressDone > 0 && job.progressDone < allUsers.length);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway[0]!.message).toMatch(/已获取 \d+，无法获取 \d+，暂时失败 \d+/);
    const audits = await auditActions('mapper.fetch-names.start');
    expect(audits.find((audit) => audit.target_id === response.body.jobId)).toMatchObject({ user_id: t.users.staff.id, details: { idType: 'user_id', onlyPending: true } });
  });

  it('when a finished job is delivered again, then the worker leaves it alone and asks WeCom nothing', async () => {
    const staffIds = school.staff.map((s) => s.userId);
    await seedIdentities(t.context.pool, users(staffIds));
    const first = await supertest(t.app).post('/api/fetch-names').set('Cookie', t.cookies.staff).send({ idType: 'user_id', filter: { idKind: 'staff' }, onlyPending: false });
    const done = (await watchJob(t.app, t.cookies.staff, first.body.jobId)).final;
    wecom.fake.calls.clear();

    await t.context.broker.sendJob(FETCH_NAMES_QUEUE, { jobId: first.body.jobId, idType: 'user_id', filter: { idKind: 'staff' }, onlyPending: false, userId: null });
    // one job at a time, in order: once a later job has finished, the redelivered one has been handled
    const marker = await supertest(t.app).post('/api/fetch-names').set('Cookie', t.cookies.staff).send({ idType: 'room_id' });
    await watchJob(t.app, t.cookies.staff, marker.body.jobId);
    const again = (await supertest(t.app).get(`/api/jobs/${first.body.jobId}`).set('Cookie', t.cookies.staff)).body as JobSnapshot;

    expect(done.status).toBe('succeeded');
    expect(apiCalls(wecom.fake, staffIds)).toBe(0);
    expect(again).toMatchObject({ status: 'succeeded', attempts: done.attempts, result: done.result, finishedAt: done.finishedAt });
  });

  it('when the server IP is not trusted, then the queued job fails with the errcode and the hint, and no id is marked unresolvable', async () => {
    await seedIdentities(t.context.pool, users(school.parents.slice(0, 20).map((p) => p.externalId)));
    wecom.fake.setIpTrusted(false);

    const response = await supertest(t.app).post('/api/fetch-names').set('Cookie', t.cookies.staff).send({ idType: 'user_id' });
    const { final } = await watchJob(t.app, t.cookies.staff, response.body.jobId);

    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/60020.*服务器 IP 不在企业微信可信 IP 列表中/);
    const { rows } = await t.context.pool.query("SELECT count(*)::int AS n FROM crm.identities WHERE name_status <> 'pending'");
    expect(rows[0].n).toBe(0);
  });

  it('when RabbitMQ does not take the job, then 503 says so and the job row is marked failed', async () => {
    const downBroker = { sendJob: () => Promise.reject(new Error('connection refused')) } as unknown as Broker;
    const context: ServiceContext<MapperConfig> = { ...t.context, broker: downBroker };

    const response = await supertest(wecomApp(context, client)).post('/api/fetch-names').set('Cookie', t.cookies.staff).send({ idType: 'room_id' });

    expect(response.status).toBe(503);
    expect(response.body.message).toContain('RabbitMQ');
    const { rows } = await t.context.pool.query(
      "SELECT status, error FROM ops.jobs WHERE type = 'mapper.fetch-names' AND params->>'idType' = 'room_id' ORDER BY created_at DESC LIMIT 1");
    expect(rows[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('RabbitMQ') });
  });

  it('when staff test the connection, then the fake answers ok, and with an untrusted IP it reports 60020 with the fix; both are audited', async () => {
    const ok = await supertest(t.app).get('/api/wecom/test-connection').set('Cookie', t.cookies.staff);
    wecom.fake.setIpTrusted(false);
    const failing = await supertest(t.app).get('/api/wecom/test-connection').set('Cookie', t.cookies.staff);

    expect(ok.body).toEqual({ ok: true, corpId: wecom.fake.corpId });
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ ok: false, errcode: 60020, kind: 'ip', step: 'probe', secret: 'main', hint: expect.stringContaining('可信 IP') });
    const audits = await auditActions('mapper.wecom.test-connection');
    expect(audits.slice(-2).map((audit) => audit.details)).toEqual([{ ok: true }, { ok: false, errcode: 60020, kind: 'ip', step: 'probe', secret: 'main' }]);
  });
});
