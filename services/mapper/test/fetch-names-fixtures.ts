import { generateSchool } from '@doitcrm/demo-data';
import { createWecomFake, type WecomFake } from '@doitcrm/fakes';
import type { Queryable } from '@doitcrm/kit';
import { idKindOf } from '@doitcrm/types';
import { createWecomClient, type WecomClient, type WecomClientOptions } from '@doitcrm/wecom';
import type { IdType, NameStatus } from '../src/contract.ts';
import type { FetchNamesOptions } from '../src/domain/fetch-names.ts';

/** The demo school both the fake and the seeded identities come from (generating it is the slow part). */
export const school = generateSchool();

/** Retries in milliseconds instead of seconds; the rules are the production ones. */
export const FAST_JOB_OPTIONS: FetchNamesOptions = { pageSize: 100, concurrency: 8, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } };
export const FAST_CLIENT_OPTIONS: Partial<WecomClientOptions> = {
  // the production limit (600/min) would make every test wait; the limiter has its own tests
  rateLimitPerMinute: 600_000, rateLimitBurst: 100, concurrency: 8,
  rateLimits: { corpApiPerHour: 6_000_000, ipApiPerMinute: 600_000, ipApiPerHour: 6_000_000 },
  retry: { busyBaseDelayMs: 5, busyMaxDelayMs: 20, concurrencyBaseDelayMs: 5, frequencyLimitWaitMs: 50 },
};

export interface FakeServer {
  fake: WecomFake;
  url: string;
  close(): Promise<void>;
}

/** The WeCom fake over real HTTP on 127.0.0.1 (any free port), with room for many full walks per window. */
export async function startFakeWecom(): Promise<FakeServer> {
  const fake = createWecomFake({ school, rateLimit: { calls: 1_000_000 } });
  const server = await fake.listen(0, '127.0.0.1');
  return { fake, url: server.url, close: server.close };
}

export function clientOf(server: FakeServer, overrides: Partial<WecomClientOptions> = {}): WecomClient {
  return createWecomClient({
    baseUrl: server.url, corpId: server.fake.corpId, secret: server.fake.secret, archiveSecret: server.fake.archiveSecret,
    ...FAST_CLIENT_OPTIONS, ...overrides,
    retry: { ...FAST_CLIENT_OPTIONS.retry, ...overrides.retry },
  });
}

/** Back to a trusting, error-free fake with an empty call log. */
export function resetFake(fake: WecomFake): void {
  fake.clearInjections();
  fake.setIpTrusted(true);
  fake.state.latencyMs = 0;
  fake.calls.clear();
}

/** Every user id of the demo archive: staff, parents and bots. */
export function schoolUserIds(): string[] {
  return [...school.staff.map((s) => s.userId), ...school.parents.map((p) => p.externalId), ...school.bots.map((b) => b.externalId)];
}

/** Every room id of the demo archive: class groups, other customer groups and internal groups. */
export function schoolRoomIds(): string[] {
  return [...school.classes.map((c) => c.roomId), ...school.otherGroups.map((g) => g.roomId)];
}

export interface SeedIdentity {
  idType: IdType;
  originalId: string;
  businessName?: string | null;
  userRole?: string | null;
  notes?: string | null;
  nameStatus?: NameStatus;
  wecomNickname?: string | null;
}

/** Identities straight into crm.identities (as extraction would leave them), in the order given. */
export async function seedIdentities(db: Queryable, identities: readonly SeedIdentity[]): Promise<void> {
  await db.query(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role, notes, name_status, wecom_nickname)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      identities.map((i) => i.idType), identities.map((i) => i.originalId), identities.map((i) => idKindOf(i.originalId, i.idType)),
      identities.map((i) => i.businessName ?? null), identities.map((i) => i.userRole ?? null), identities.map((i) => i.notes ?? null),
      identities.map((i) => i.nameStatus ?? 'pending'), identities.map((i) => i.wecomNickname ?? null),
    ],
  );
}

export const users = (ids: readonly string[], extra: Omit<SeedIdentity, 'idType' | 'originalId'> = {}): SeedIdentity[] =>
  ids.map((originalId) => ({ idType: 'user_id', originalId, ...extra }));

export async function clearIdentities(db: Queryable): Promise<void> {
  await db.query('DELETE FROM crm.identities');
}

export interface IdentityRow {
  original_id: string;
  wecom_nickname: string | null;
  business_name: string | null;
  user_role: string | null;
  notes: string | null;
  name_status: NameStatus;
  name_error: string | null;
  name_fetched_at: Date | null;
}

export async function identitiesById(db: Queryable): Promise<Map<string, IdentityRow>> {
  const { rows } = await db.query<IdentityRow>(
    'SELECT original_id, wecom_nickname, business_name, user_role, notes, name_status, name_error, name_fetched_at FROM crm.identities');
  return new Map(rows.map((row) => [row.original_id, row]));
}

/** WeCom API calls the fake received (tokens left out), optionally only those about some ids. */
export function apiCalls(fake: WecomFake, aboutIds?: readonly string[]): number {
  const wanted = aboutIds ? new Set(aboutIds) : null;
  return fake.calls.all().filter((call) => call.endpoint !== 'gettoken' && (!wanted || call.ids.some((id) => wanted.has(id)))).length;
}

/** The names the fake holds, as WeCom would answer them. */
export function fakeNameOf(fake: WecomFake, originalId: string): string | undefined {
  const { directory } = fake.state;
  return directory.users.get(originalId)?.name
    ?? directory.externalContacts.get(originalId)?.external_contact.name
    ?? directory.customerGroups.get(originalId)?.name
    ?? directory.internalGroups.get(originalId)?.roomname;
}
