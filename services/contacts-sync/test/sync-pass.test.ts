import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { rowsWritten } from '../src/domain/run-counters.ts';
import { activeRelationPairs, fakeDirectory, rowVersions, syncNow, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);
const deps = () => ({ pool: t.context.pool, logger: t.context.logger, client: wecom.client });
const count = async (sql: string) => (await t.context.pool.query<{ n: number }>(sql)).rows[0]!.n;

describe('full and incremental passes', () => {
  it('when a full pass runs, then the database holds exactly the fake\'s relations, customers and groups, with phones masked', async () => {
    const directory = fakeDirectory(wecom.fake);

    const { counters } = await syncNow(deps(), 'full');

    expect(await activeRelationPairs(t.context.pool)).toEqual(directory.pairs);
    expect(await count("SELECT count(*)::int AS n FROM contacts.external_contacts WHERE contact_kind = 'full'")).toBe(directory.customers);
    expect(await count("SELECT count(*)::int AS n FROM contacts.customer_groups WHERE status = 'active'")).toBe(directory.groups.length);
    expect(await count('SELECT count(*)::int AS n FROM contacts.staff')).toBe(wecom.fake.state.directory.users.size);
    const { rows: phones } = await t.context.pool.query<{ p: string }>('SELECT unnest(remark_mobiles_masked) AS p FROM contacts.follow_relations');
    expect(phones.length).toBeGreaterThan(0);
    for (const { p } of phones) expect(p).toMatch(/^\d{3}\*{4}\d{4}$/);
    const { rows: numbers } = await t.context.pool.query("SELECT 1 FROM contacts.follow_relations WHERE array_to_string(remark_mobiles_masked, ',') ~ '[0-9]{5}'");
    expect(numbers).toEqual([]);
    expect(counters.relationsAdded).toBe(directory.pairs.length);
    // one batch call per 100 pairs of each 5-member batch (the minimum the endpoint allows), no per-customer call
    expect(counters.wecomCalls['externalcontact/get']).toBeUndefined();
  });

  it('when a second full pass finds nothing changed, then it writes 0 rows and no row version changes', async () => {
    const before = await rowVersions(t.context.pool);
    const changesBefore = await count('SELECT count(*)::int AS n FROM contacts.changes');

    const { counters } = await syncNow(deps(), 'full');

    expect(rowsWritten(counters)).toBe(0);
    expect(counters.namesAnnounced).toBe(0);
    expect(await rowVersions(t.context.pool)).toEqual(before);
    expect(await count('SELECT count(*)::int AS n FROM contacts.changes')).toBe(changesBefore);
    expect(counters.relationsSeen).toBe(fakeDirectory(wecom.fake).pairs.length);
  });

  it('when an incremental pass finds nothing changed, then it writes 0 rows and asks no user/get or groupchat/get', async () => {
    const before = await rowVersions(t.context.pool);

    const { counters } = await syncNow(deps(), 'incremental');

    expect(rowsWritten(counters)).toBe(0);
    expect(await rowVersions(t.context.pool)).toEqual(before);
    expect(counters.wecomCalls['user/get']).toBeUndefined();
    expect(counters.wecomCalls['externalcontact/groupchat/get']).toBeUndefined();
    expect(counters.wecomCalls['externalcontact/batch/get_by_user']).toBeGreaterThan(0);
  });

  it('when a remark changes in WeCom, then an incremental pass rewrites that one relation and records the change', async () => {
    const [externalId, contact] = [...wecom.fake.state.directory.externalContacts].find(([, c]) => c.follow_user.length > 0)!;
    const follower = contact.follow_user[0]!;
    follower.remark = `${follower.remark}（已改）`;

    const { run, counters } = await syncNow(deps(), 'incremental');

    expect(counters.relationsWritten).toBe(1);
    expect(rowsWritten(counters)).toBe(1);
    const { rows } = await t.context.pool.query(
      `SELECT c.change, r.remark FROM contacts.changes c JOIN contacts.follow_relations r ON r.id = c.entity_key::bigint
       WHERE c.run_id = $1 AND c.entity = 'relation'`, [run.id]);
    expect(rows).toEqual([{ change: 'updated', remark: follower.remark }]);
    expect(externalId).toMatch(/^w[mo]/);
  });
});
