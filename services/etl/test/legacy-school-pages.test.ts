import type { Express } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceContext, loadConfig, type BaseConfig, type ServiceContext } from '@doitcrm/kit';
import { loginCookie, useTestApp } from '@doitcrm/kit/testing';
import { createMapperApp } from '@doitcrm/mapper/src/app.ts';
import { mapperConfigShape } from '@doitcrm/mapper/src/config.ts';
import { createMessagesApp } from '@doitcrm/messages/src/app.ts';
import { messagesConfigShape } from '@doitcrm/messages/src/config.ts';
import { createRosterApp } from '@doitcrm/roster/src/app.ts';
import { rosterConfigShape } from '@doitcrm/roster/src/config.ts';
import { createDashboardApp } from '@doitcrm/dashboard/src/app.ts';
import { dashboardConfigShape } from '@doitcrm/dashboard/src/config.ts';
import { refreshRollups } from '@doitcrm/dashboard/src/domain/refresh-rollups.ts';
import type { UserMessagesResponse } from '@doitcrm/messages/src/contract.ts';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import { SMALL_SCHOOL, createLegacyDatabase, type LegacyDatabase } from './legacy-fixtures.ts';

// the mapper is the harness's service; messages, roster and dashboard run beside it on the same database, broker
// namespace and Redis prefix, as one installation does, and the same staff user signs in to each
const mapper = useTestApp('mapper', mapperConfigShape, createMapperApp, { roles: ['staff'] });
let legacy: LegacyDatabase;
const others: ServiceContext[] = [];
const apps = {} as Record<'messages' | 'roster' | 'dashboard', { app: Express; cookie: string }>;

async function beside<C extends BaseConfig>(name: 'messages' | 'roster' | 'dashboard', shape: Parameters<typeof loadConfig>[0], createApp: (context: ServiceContext<C>) => Express): Promise<void> {
  const { config: own } = mapper.context;
  const config = loadConfig(shape, {
    ...process.env, DATABASE_URL: own.DATABASE_URL, AMQP_NAMESPACE: own.AMQP_NAMESPACE, REDIS_PREFIX: own.REDIS_PREFIX, LOG_LEVEL: 'silent',
  }) as C;
  const context = await createServiceContext(name, config);
  others.push(context);
  const app = createApp(context);
  apps[name] = { app, cookie: await loginCookie(app, mapper.users.staff.username) };
}

beforeAll(async () => {
  legacy = await createLegacyDatabase(SMALL_SCHOOL);
  const report = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null }, { pool: mapper.context.pool, logger: mapper.context.logger });
  expect(report.groups.chat).toMatchObject({ read: 3, inserted: 3 });
  await beside('messages', messagesConfigShape, createMessagesApp);
  await beside('roster', rosterConfigShape, createRosterApp);
  await beside('dashboard', dashboardConfigShape, createDashboardApp);
  // what the dashboard's chat.ingested consumer does after an import
  await refreshRollups(mapper.context.pool, { full: true }, { timezone: 'Asia/Shanghai' });
}, 60_000);
afterAll(async () => {
  for (const context of others) {
    await context.broker.deleteTopology().catch(() => {});
    await context.shutdown.run('test cleanup');
  }
  await legacy?.drop();
});

const get = (name: 'mapper' | keyof typeof apps, url: string) => {
  const { app, cookie } = name === 'mapper' ? { app: mapper.app, cookie: mapper.cookies.staff } : apps[name];
  return supertest(app).get(url).set('Cookie', cookie).expect(200);
};
const MARCH = 'start_time=2026-03-01T00:00:00%2B08:00&end_time=2026-03-31T23:59:59%2B08:00';

describe('the imported school on the mapper, messages, roster and dashboard', () => {
  it('when the mapper lists people and groups, then the imported names, roles, nickname, notes and the children are shown', async () => {
    const users = (await get('mapper', '/api/mappings/user_id?limit=200')).body as { items: Array<Record<string, unknown>> };
    const byId = new Map(users.items.map((item) => [item.originalId, item]));
    expect(byId.get('wmMum')).toMatchObject({ businessName: '小明小红妈妈', userRole: 'parent', wecomNickname: '微信昵称', notes: '两个孩子' });
    expect(byId.get('wmDad')).toMatchObject({ businessName: '小刚爸爸', userRole: 'parent' });
    expect(byId.get('zhanglaoshi')).toMatchObject({ businessName: '张老师', userRole: 'teacher' });
    expect(JSON.stringify(byId.get('wmMum'))).toContain('王小明');
    expect(JSON.stringify(byId.get('wmMum'))).toContain('王小红');
    const rooms = (await get('mapper', '/api/mappings/room_id?limit=200')).body as { items: Array<Record<string, unknown>> };
    expect(rooms.items.find((item) => item.originalId === 'wrL4')).toMatchObject({ businessName: 'L4 周六班群' });
  });

  it('when messages searches a phrase and opens the mother\'s conversation, then the imported messages of both schemas are there', async () => {
    const hits = (await get('messages', `/api/search?q=${encodeURIComponent('朗读作业')}&${MARCH}`)).body as { items: Array<{ msgid: string }> };
    expect(hits.items.map((hit) => hit.msgid)).toEqual(['school-2']);
    const people = (await get('messages', `/api/search-users?keyword=${encodeURIComponent('小明小红妈妈')}`)).body as { users: unknown[] };
    expect(JSON.stringify(people.users)).toContain('wmMum');
    const conversation = (await get('messages', `/api/user-messages?user_id=wmMum&${MARCH}`)).body as UserMessagesResponse;
    expect(conversation.person).toMatchObject({ businessName: '小明小红妈妈' });
    expect(conversation.conversations).toContainEqual(expect.objectContaining({ type: 'private', peerId: 'zhanglaoshi', messageCount: 2 }));
    expect(conversation.messages.items.map((message) => message.msgid).sort()).toEqual(['school-1', 'school-2']);
    const room = (await get('messages', `/api/room-messages?room_id=wrL4&${MARCH}`)).body as { items: Array<{ msgid: string }> };
    expect(room.items.map((message) => message.msgid)).toEqual(['school-3']);
  });

  // the roster's guardians are the contacts typed into the original's students (parent_name, phone); the WeCom
  // parent ↔ child links are the mapper's, checked above
  it('when the roster opens the hierarchy and a class, then the imported classes, their students and guardian contacts are listed', async () => {
    const tree = (await get('roster', '/api/hierarchy')).body as unknown;
    const text = JSON.stringify(tree);
    expect(text).toContain('L4 周六班');
    expect(text).toContain('L1 周日班');
    const classId = findClassId(tree, 'L4 周六班');
    const detail = (await get('roster', `/api/classes/${classId}`)).body as Record<string, unknown>;
    expect(JSON.stringify(detail)).toContain('张老师');
    const students = (await get('roster', `/api/classes/${classId}/students`)).body as Array<Record<string, unknown>>;
    expect(students.map((student) => student.name).sort()).toEqual(['王小明', '赵小刚']);
    expect(students.find((student) => student.name === '王小明')).toMatchObject({
      englishName: 'Tom', status: '在读', contacts: [expect.objectContaining({ name: '李丽', relation: '妈妈', phoneMasked: '138****1111' })],
    });
  });

  it('when the dashboard lists classes for March, then the imported classes are there with their parents and the group\'s message', async () => {
    const list = (await get('dashboard', `/api/class-stats?from=2026-03-01&to=2026-03-31`)).body as { items: Array<Record<string, unknown>> };
    const l4 = list.items.find((item) => item.className === 'L4 周六班');
    expect(l4).toMatchObject({ className: 'L4 周六班', levelName: 'L4', students: expect.objectContaining({ total: 2 }) });
    expect(l4!.messages).toBeGreaterThanOrEqual(1);
    expect(list.items.map((item) => item.className)).toContain('L1 周日班');
  });
});

/** The id of the class of that name anywhere in the roster's section → level → class tree. */
function findClassId(node: unknown, name: string): number {
  const found: number[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.name === name && typeof record.id === 'number') found.push(record.id);
      Object.values(record).forEach(walk);
    }
  };
  walk(node);
  expect(found).toHaveLength(1);
  return found[0]!;
}
