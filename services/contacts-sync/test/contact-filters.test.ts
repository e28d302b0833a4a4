import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';
import { followMembers, syncNow, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestApp('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, wecom.client), {
  roles: ['viewer'],
  prepare: async (context) => { await syncNow({ pool: context.pool, logger: context.logger, client: wecom.client }, 'full'); },
  timeout: 120_000,
});
const get = (path: string) => supertest(t.app).get(path).set('Cookie', t.cookies.viewer);

describe('customer browser filters', () => {
  it('when the filters are read after a sync, then every member with customers is offered with their count, and filtering by one lists only their customers', async () => {
    const response = await get('/api/contact-filters');

    expect(response.status).toBe(200);
    const offered = response.body.staff as Array<{ userId: string; name: string; customers: number }>;
    expect(offered.map((member) => member.userId).sort()).toEqual(followMembers(wecom.fake));
    const [first] = offered;
    const { rows: [count] } = await t.context.pool.query("SELECT count(*)::int AS n FROM contacts.follow_relations WHERE userid = $1 AND status = 'active'", [first!.userId]);
    expect(first!.customers).toBe(count.n);
    expect(first!.name).not.toBe('');

    const page = await get(`/api/contacts?staff=${encodeURIComponent(first!.userId)}&limit=200`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    for (const item of page.body.items) expect(item.follows.map((f: { userId: string }) => f.userId)).toContain(first!.userId);
  });

  it('when relations carry tags, then each tag is offered once, named from the tag library when known and by its id otherwise', async () => {
    await t.context.pool.query(`UPDATE contacts.follow_relations SET tag_ids = tag_ids || ARRAY['et-filter-named', 'et-filter-bare']
                                 WHERE id IN (SELECT id FROM contacts.follow_relations ORDER BY id LIMIT 2)`);
    await t.context.pool.query("INSERT INTO contacts.corp_tags (tag_id, name, group_id, group_name) VALUES ('et-filter-named', '高意向', 'g1', '意向')");
    const { rows } = await t.context.pool.query('SELECT DISTINCT unnest(tag_ids) AS tag FROM contacts.follow_relations');

    const response = await get('/api/contact-filters');

    expect(response.body.tags.map((tag: { tagId: string }) => tag.tagId).sort()).toEqual(rows.map((row) => row.tag).sort());
    expect(response.body.tags).toContainEqual({ tagId: 'et-filter-named', name: '高意向', groupName: '意向' });
    expect(response.body.tags).toContainEqual({ tagId: 'et-filter-bare', name: 'et-filter-bare', groupName: null });
  });
});
