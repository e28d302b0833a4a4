import { generateSchool } from '@doitcrm/demo-data';
import { createWecomFake, type WecomFake } from '@doitcrm/fakes';
import type { Logger, Pool, Queryable } from '@doitcrm/kit';
import { createWecomClient, type WecomClient, type WecomClientOptions } from '@doitcrm/wecom';
import { afterAll, beforeAll } from 'vitest';
import { insertRun, type SyncMode } from '../src/data-access/run-repository.ts';
import { runSync, type RunOptions, type SyncSettings } from '../src/domain/run-sync.ts';

/** The demo school the fake serves (generating it is the slow part, so once per file). */
export const school = generateSchool();

/** Retries in milliseconds and a budget no test reaches; the client's limiter has its own tests. */
const FAST_CLIENT_OPTIONS: Partial<WecomClientOptions> = {
  rateLimitPerMinute: 600_000, rateLimitBurst: 100, concurrency: 8,
  retry: { busyBaseDelayMs: 5, busyMaxDelayMs: 20, concurrencyBaseDelayMs: 5, frequencyLimitWaitMs: 50 },
};

/** Small batches, so the demo's 16 members with customers make 4 batches and a checkpoint can fall between them. */
export const TEST_SETTINGS: SyncSettings = { membersPerBatch: 5, concurrency: 4, lostGuardRatio: 0.5, timezone: 'Asia/Shanghai' };

export interface FakeWecom {
  fake: WecomFake;
  url: string;
  client: WecomClient;
}

/** The WeCom fake over HTTP on a free loopback port for the whole file, and a client of it. */
export function useFakeWecom(): FakeWecom {
  const f = {} as FakeWecom & { close(): Promise<void> };
  beforeAll(async () => {
    f.fake = createWecomFake({ school, rateLimit: { calls: 1_000_000 } });
    const server = await f.fake.listen(0, '127.0.0.1');
    f.url = server.url;
    f.close = server.close;
    f.client = createWecomClient({ baseUrl: f.url, corpId: f.fake.corpId, secret: f.fake.secret, ...FAST_CLIENT_OPTIONS });
  });
  afterAll(async () => {
    await f.close?.();
  });
  return f;
}

/** The fake's credentials as the service's settings. */
export const wecomEnv = (f: FakeWecom): Record<string, string> => ({
  WECOM_BASE_URL: f.url, WECOM_CORP_ID: f.fake.corpId, WECOM_SECRET: f.fake.secret, CONTACTS_SYNC_MEMBERS_PER_BATCH: String(TEST_SETTINGS.membersPerBatch),
});

/** A run created and run in this process, as the CLI does. */
export async function syncNow(
  deps: { pool: Pool; logger: Logger; client: WecomClient }, mode: SyncMode, options: RunOptions = {}, settings: Partial<SyncSettings> = {},
) {
  const run = await insertRun(deps.pool, { mode, jobId: null, createdBy: null, state: 'running' });
  const counters = await runSync({ ...deps, settings: { ...TEST_SETTINGS, ...settings } }, run.id, options);
  return { run, counters };
}

/** What the fake holds: (customer, member) pairs, customers, listed customer groups. */
export function fakeDirectory(fake: WecomFake) {
  const pairs: string[] = [];
  for (const [id, contact] of fake.state.directory.externalContacts) for (const f of contact.follow_user) pairs.push(`${id}|${f.userid}`);
  const groups = [...fake.state.directory.customerGroups.values()].filter((g) => !g.dismissed).map((g) => g.chat_id);
  return { pairs: pairs.sort(), customers: fake.state.directory.externalContacts.size, groups: groups.sort() };
}

export async function activeRelationPairs(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ k: string }>("SELECT external_userid || '|' || userid AS k FROM contacts.follow_relations WHERE status = 'active' ORDER BY 1");
  return rows.map((r) => r.k).sort();
}

/** Each data table's row versions (xmin): equal before and after a pass means the pass rewrote nothing. */
export async function rowVersions(db: Queryable): Promise<Record<string, string>> {
  const tables = ['staff', 'external_contacts', 'follow_relations', 'customer_groups', 'group_members'];
  const result: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ v: string }>(`SELECT coalesce(string_agg(xmin::text, ',' ORDER BY ctid), '') AS v FROM contacts.${table}`);
    result[table] = rows[0]!.v;
  }
  return result;
}

/** The members the fake serves with customers, in the order a pass batches them. */
export function followMembers(fake: WecomFake): string[] {
  const ids = new Set<string>();
  for (const contact of fake.state.directory.externalContacts.values()) for (const f of contact.follow_user) ids.add(f.userid);
  return [...ids].filter((id) => fake.state.directory.users.has(id)).sort();
}
