import { describe, expect, test } from 'vitest';
import { school, startFake, type Answer, type RunningFake } from './wecom-fake-http.ts';

type BatchAnswer = Answer & { external_contact_list: Array<{ external_contact: { external_userid: string }; follow_info: { userid: string } }>; next_cursor: string };

async function followers(fake: RunningFake): Promise<string[]> {
  return (await fake.get('externalcontact/get_follow_user_list')).follow_user as string[];
}

describe('WeCom fake: cursors', () => {
  test('when batch/get_by_user is paged without a limit, then pages hold 50 pairs, next_cursor ends as "", and no pair repeats', async () => {
    // Arrange
    const running = await startFake();
    const userIds = (await followers(running)).slice(0, 4);

    // Act
    const pages: BatchAnswer[] = [];
    let cursor = '';
    do {
      const page = (await running.post('externalcontact/batch/get_by_user', { userid_list: userIds, cursor })) as BatchAnswer;
      pages.push(page);
      cursor = page.next_cursor;
    } while (cursor);

    // Assert
    const pairs = pages.flatMap((p) => p.external_contact_list.map((e) => `${e.external_contact.external_userid}/${e.follow_info.userid}`));
    expect(pages.slice(0, -1).every((p) => p.external_contact_list.length === 50)).toBe(true);
    expect(pages.at(-1)!.next_cursor).toBe('');
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.every((pair) => userIds.includes(pair.split('/')[1]!))).toBe(true);
  });

  test('when the limit is above 100, then it is clamped to 100 rather than refused', async () => {
    // Arrange
    const running = await startFake();
    const userIds = await followers(running);

    // Act
    const page = (await running.post('externalcontact/batch/get_by_user', { userid_list: userIds, limit: 1000 })) as BatchAnswer;

    // Assert
    expect(page.errcode).toBe(0);
    expect(page.external_contact_list).toHaveLength(100);
  });

  test('when more than 100 member ids are sent, then it answers 40058', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const body = await running.post('externalcontact/batch/get_by_user', { userid_list: Array.from({ length: 101 }, (_, i) => `u${i}`) });

    // Assert
    expect(body.errcode).toBe(40058);
  });

  test('when the older single-member form { userid } is sent, then it is accepted like userid_list', async () => {
    // Arrange
    const running = await startFake();
    const [first] = await followers(running);

    // Act
    const single = (await running.post('externalcontact/batch/get_by_user', { userid: first, limit: 100 })) as BatchAnswer;
    const list = (await running.post('externalcontact/batch/get_by_user', { userid_list: [first], limit: 100 })) as BatchAnswer;

    // Assert
    expect(single.errcode).toBe(0);
    expect(single.external_contact_list).toEqual(list.external_contact_list);
  });

  test('when a cursor is replayed with a different query, then it is refused with 40058', async () => {
    // Arrange
    const running = await startFake();
    const [a, b] = await followers(running);
    const page = (await running.post('externalcontact/batch/get_by_user', { userid_list: [a], limit: 1 })) as BatchAnswer;

    // Act
    const replayed = await running.post('externalcontact/batch/get_by_user', { userid_list: [b], cursor: page.next_cursor });

    // Assert
    expect(page.next_cursor).not.toBe('');
    expect(replayed.errcode).toBe(40058);
  });

  test('when batch follow_info is compared with externalcontact/get, then it carries corp tag ids only, not tag objects', async () => {
    // Arrange
    const running = await startFake();
    const [first] = await followers(running);
    const page = (await running.post('externalcontact/batch/get_by_user', { userid_list: [first], limit: 1 })) as BatchAnswer;
    const entry = page.external_contact_list[0]!;

    // Act
    const detail = await running.get('externalcontact/get', { external_userid: entry.external_contact.external_userid });

    // Assert
    const follow = (detail.follow_user as Array<{ userid: string; tags: Array<{ tag_id: string; type: number }> }>).find((f) => f.userid === first)!;
    expect(entry.follow_info).toHaveProperty('tag_id');
    expect(entry.follow_info).not.toHaveProperty('tags');
    expect((entry.follow_info as unknown as { tag_id: string[] }).tag_id).toEqual(follow.tags.filter((t) => t.type === 1).map((t) => t.tag_id));
    expect(detail.next_cursor).toBe('');
  });

  test('when groupchat/list is paged 7 at a time, then every live customer group comes once; a limit outside 1–1000 is 40058', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const ids: string[] = [];
    let cursor = '';
    do {
      const page = await running.post('externalcontact/groupchat/list', { limit: 7, cursor });
      ids.push(...(page.group_chat_list as Array<{ chat_id: string }>).map((g) => g.chat_id));
      cursor = page.next_cursor as string;
    } while (cursor);
    const tooBig = await running.post('externalcontact/groupchat/list', { limit: 1001 });
    const missing = await running.post('externalcontact/groupchat/list', {});

    // Assert
    const live = [...running.fake.state.directory.customerGroups.values()].filter((g) => !g.dismissed).map((g) => g.chat_id);
    expect(ids).toEqual(live);
    expect(ids.length).toBe(school.classes.length + 2);
    expect([tooBig.errcode, missing.errcode]).toEqual([40058, 40058]);
  });

  test('when groupchat/list filters by owner, then only that owner\'s groups come back', async () => {
    // Arrange
    const running = await startFake();
    const owner = school.classes[0]!.headTeacherUserId;

    // Act
    const page = await running.post('externalcontact/groupchat/list', { limit: 1000, owner_filter: { userid_list: [owner] } });

    // Assert
    const expected = school.classes.filter((c) => c.headTeacherUserId === owner).map((c) => c.roomId);
    expect((page.group_chat_list as Array<{ chat_id: string }>).map((g) => g.chat_id)).toEqual(expected);
  });

  test('when user/list_id is paged, then every member arrives once with their department', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const rows: Array<{ userid: string; department: number }> = [];
    let cursor = '';
    do {
      const page = await running.post('user/list_id', { limit: 8, cursor });
      rows.push(...(page.dept_user as typeof rows));
      cursor = page.next_cursor as string;
    } while (cursor);

    // Assert
    expect(rows.map((r) => r.userid).sort()).toEqual([...running.fake.state.directory.users.keys()].sort());
    expect(rows.every((r) => [2, 3, 4].includes(r.department))).toBe(true);
  });
});
