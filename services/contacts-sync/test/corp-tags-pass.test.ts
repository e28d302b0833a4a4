import { describe, expect, it } from 'vitest';
import { useTestService } from '@doitcrm/kit/testing';
import { contactsSyncConfigShape } from '../src/config.ts';
import { syncNow, useFakeWecom } from './sync-fixture.ts';

const wecom = useFakeWecom();
const t = useTestService('contacts-sync', contactsSyncConfigShape);
const deps = () => ({ pool: t.context.pool, logger: t.context.logger, client: wecom.client });
const rows = async <R>(sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows as R[];

const liveFakeTags = () => [...wecom.fake.state.directory.corpTagGroups.values()]
  .filter((g) => !g.deleted).flatMap((g) => g.tag.filter((tag) => !tag.deleted).map((tag) => ({ tag_id: tag.id, name: tag.name, group_name: g.group_name })))
  .sort((a, b) => a.tag_id.localeCompare(b.tag_id));

describe('the tag library in a pass', () => {
  it('when a full pass runs, then get_corp_tag_list is called once and every tag a relation carries has its name in contacts.corp_tags', async () => {
    wecom.fake.calls.clear();
    const expected = liveFakeTags();
    expect(expected.length).toBeGreaterThan(0);

    const { counters } = await syncNow(deps(), 'full');

    expect(wecom.fake.calls.all().filter((c) => c.endpoint === 'externalcontact/get_corp_tag_list')).toHaveLength(1);
    expect(counters.wecomCalls['externalcontact/get_corp_tag_list']).toBe(1);
    expect(counters.corpTags).toBe(expected.length);
    expect(await rows('SELECT tag_id, name, group_name FROM contacts.corp_tags ORDER BY tag_id COLLATE "C"')).toEqual(expected);
    const unnamed = await rows(`SELECT DISTINCT unnest(tag_ids) AS id FROM contacts.follow_relations r
      WHERE NOT EXISTS (SELECT 1 FROM contacts.corp_tags t WHERE t.tag_id = ANY (r.tag_ids)) AND cardinality(tag_ids) > 0`);
    expect(unnamed).toEqual([]);
  });

  it('when nothing changed in the library, then the next pass rewrites no tag row; when a tag is renamed, then an incremental pass renames only it', async () => {
    const versions = async () => rows<{ tag_id: string; v: string }>('SELECT tag_id, xmin::text AS v FROM contacts.corp_tags ORDER BY tag_id');
    const before = await versions();

    const unchanged = await syncNow(deps(), 'incremental');

    expect(unchanged.counters.corpTagsWritten).toBe(0);
    expect(await versions()).toEqual(before);

    const group = [...wecom.fake.state.directory.corpTagGroups.values()].find((g) => !g.deleted && g.tag.some((tag) => !tag.deleted))!;
    const tag = group.tag.find((x) => !x.deleted)!;
    const oldName = tag.name;
    tag.name = `${oldName}（改名）`;
    try {
      const renamed = await syncNow(deps(), 'incremental');

      expect(renamed.counters.corpTagsWritten).toBe(1);
      expect(await rows('SELECT name FROM contacts.corp_tags WHERE tag_id = $1', [tag.id])).toEqual([{ name: tag.name }]);
      expect((await versions()).filter((row, i) => row.v !== before[i]!.v).map((row) => row.tag_id)).toEqual([tag.id]);
    } finally {
      tag.name = oldName;
    }
  });
});
