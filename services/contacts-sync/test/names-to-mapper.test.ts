import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceContext, enqueueEvent, loadConfig, type ServiceContext } from '@doitcrm/kit';
import { useTestService, waitFor } from '@doitcrm/kit/testing';
import { idKindOf } from '@doitcrm/types';
import { mapperConfigShape } from '@doitcrm/mapper/src/config.ts';
import { startContactsChangedConsumer } from '@doitcrm/mapper/src/entry-points/queue/contacts-changed-consumer.ts';
import { contactsSyncConfigShape } from '../src/config.ts';
import { syncNow, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);
// the mapper as a second service on the same database, broker namespace and Redis prefix: one installation
let mapper: ServiceContext;
beforeAll(async () => {
  const config = loadConfig(mapperConfigShape, {
    ...process.env, DATABASE_URL: t.context.config.DATABASE_URL, AMQP_NAMESPACE: t.context.config.AMQP_NAMESPACE,
    REDIS_PREFIX: t.context.config.REDIS_PREFIX, LOG_LEVEL: 'silent',
  });
  mapper = await createServiceContext('mapper', config);
  await startContactsChangedConsumer(mapper);
});
afterAll(async () => {
  // the mapper's queue is its own broker's to delete: the contacts-sync harness removes only what it declared
  await mapper?.broker.deleteTopology().catch(() => {});
  await mapper?.shutdown.run('test cleanup');
});

const identities = async () => (await t.context.pool.query<{ original_id: string; wecom_nickname: string | null; name_status: string; name_fetched_at: Date | null; business_name: string | null }>(
  'SELECT original_id, wecom_nickname, name_status, name_fetched_at, business_name FROM crm.identities ORDER BY original_id')).rows;

describe('names from contacts-sync to the mapper', () => {
  it('when a sync learns names, then the mapper stores them as WeCom nicknames of the ids it knows, through the broker, and a repeated event writes nothing', async () => {
    const { directory } = wecom.fake.state;
    const staff = [...directory.users.values()].slice(0, 3);
    const parents = [...directory.externalContacts.values()].slice(0, 3).map((c) => c.external_contact);
    const group = [...directory.customerGroups.values()].find((g) => !g.dismissed)!;
    const known = [
      ...staff.map((s) => ({ idType: 'user_id', id: s.userid, name: s.name })),
      ...parents.map((p) => ({ idType: 'user_id', id: p.external_userid, name: p.name })),
      { idType: 'room_id', id: group.chat_id, name: group.name },
    ];
    await t.context.pool.query(
      `INSERT INTO crm.identities (id_type, original_id, id_kind, business_name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [known.map((k) => k.idType), known.map((k) => k.id), known.map((k) => idKindOf(k.id, k.idType as 'user_id' | 'room_id')), known.map((_, i) => (i === 0 ? '张老师（手填）' : null))],
    );

    await syncNow({ pool: t.context.pool, logger: t.context.logger, client: wecom.client }, 'full');
    await t.context.outbox.flush();

    const named = await waitFor('the mapper to name every known id', identities, {
      timeoutMs: 20_000, intervalMs: 100, until: (rows) => rows.every((row) => row.name_status === 'resolved'),
    });
    expect(named.map((row) => [row.original_id, row.wecom_nickname])).toEqual(known.map((k) => [k.id, k.name]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    // a person's hand-typed business name is theirs, never the sync's
    expect(named.find((row) => row.original_id === staff[0]!.userid)!.business_name).toBe('张老师（手填）');

    // at-least-once delivery: the same names again change nothing; one id added since tells when the event was consumed
    const late = [...directory.users.values()][3]!;
    await t.context.pool.query("INSERT INTO crm.identities (id_type, original_id, id_kind) VALUES ('user_id', $1, 'staff')", [late.userid]);
    const again = [...known, { idType: 'user_id', id: late.userid, name: late.name }];
    await enqueueEvent(t.context.pool, 'contacts.changed', { source: 'sync', runId: null, names: again.map((k) => ({ id: k.id, name: k.name, kind: idKindOf(k.id, k.idType as 'user_id' | 'room_id') })) });
    await t.context.outbox.flush();
    const after = await waitFor('the repeated event to be consumed', identities, {
      timeoutMs: 20_000, intervalMs: 100, until: (rows) => rows.find((row) => row.original_id === late.userid)?.name_status === 'resolved',
    });
    const unchanged = after.filter((row) => row.original_id !== late.userid);
    expect(unchanged.map((row) => row.name_fetched_at?.getTime())).toEqual(named.map((row) => row.name_fetched_at?.getTime()));
  });
});
