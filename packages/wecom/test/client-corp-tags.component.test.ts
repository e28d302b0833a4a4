import { describe, expect, test } from 'vitest';
import { allPages } from '../src/index.ts';
import { startHarness } from './wecom-fake-harness.ts';

describe('WeCom client: corp tag library', () => {
  test('when the whole library is listed, then it names every corp tag id that batch/get_by_user hands out', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const members = await client.listFollowUsers();
    const pairs = [];
    for await (const pair of allPages((cursor) => client.batchGetExternalContacts(members.slice(0, 5), { cursor }))) pairs.push(pair);

    // Act
    const groups = await client.listCorpTags();

    // Assert
    const library = new Set(groups.flatMap((g) => g.tags.map((t) => t.id)));
    const used = new Set(pairs.flatMap((p) => p.follower.tagIds ?? []));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((id) => !library.has(id))).toEqual([]);
    expect(groups.map((g) => g.groupName)).toEqual(expect.arrayContaining(['学员状态', '学段']));
    expect(groups.every((g) => g.deleted === undefined && g.tags.every((t) => typeof t.id === 'string' && t.createTime > 0))).toBe(true);
  });

  test('when asked by group id and by tag id, then only those come back, each flagged deleted or not', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const [first, second] = await client.listCorpTags();
    const someTag = second!.tags[0]!;

    // Act
    const byGroup = await client.listCorpTags({ groupIds: [first!.groupId], tagIds: [someTag.id] });
    const byTag = await client.listCorpTags({ tagIds: [someTag.id] });

    // Assert: group_id wins over tag_id, as WeCom documents
    expect(byGroup.map((g) => g.groupId)).toEqual([first!.groupId]);
    expect(byGroup[0]).toMatchObject({ deleted: false, tags: first!.tags.map((t) => ({ ...t, deleted: false })) });
    expect(byTag).toEqual([{ ...second!, deleted: false, tags: [{ ...someTag, deleted: false }] }]);
  });
});
