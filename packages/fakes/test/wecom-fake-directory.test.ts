import { groupMembers } from '@doitcrm/demo-data';
import { describe, expect, test } from 'vitest';
import { school, startFake } from './wecom-fake-http.ts';

const classGroup = school.classes[3]!;
const internal = school.otherGroups.find((g) => g.kind === 'internal_group')!;

describe('WeCom fake: seeded from the demo school', () => {
  test('when a parent is looked up, then name is the WeChat nickname and follow_user lists the enrolling advisor with tag objects', async () => {
    // Arrange
    const running = await startFake({ unresolvable: false });
    const parent = school.parents.find((p) => p.externalId.startsWith('wm'))!;

    // Act
    const body = await running.get('externalcontact/get', { external_userid: parent.externalId });

    // Assert
    expect(body.external_contact).toMatchObject({ external_userid: parent.externalId, name: parent.nickname, type: 1 });
    const follow = body.follow_user as Array<{ userid: string; createtime: number; tags: unknown[] }>;
    expect(follow[0]).toMatchObject({ userid: parent.advisorUserId, remark: parent.businessName ?? '' });
    expect(follow[0]!.createtime).toBeLessThan(2_000_000_000);
    expect(follow[0]!.tags.length).toBeGreaterThan(0);
  });

  test('when a member is looked up, then user/get answers the staff name and gender as a string', async () => {
    // Arrange
    const running = await startFake({ unresolvable: false });
    const staff = school.staff[0]!;

    // Act
    const body = await running.get('user/get', { userid: staff.userId });

    // Assert
    expect(body).toMatchObject({ errcode: 0, userid: staff.userId, name: staff.name, status: 1 });
    expect(['0', '1', '2']).toContain(body.gender);
  });

  test('when a class group is read, then it has the class name, every member of the class, names on request, and no member_count', async () => {
    // Arrange
    const running = await startFake();

    // Act
    const plain = await running.post('externalcontact/groupchat/get', { chat_id: classGroup.roomId });
    const named = await running.post('externalcontact/groupchat/get', { chat_id: classGroup.roomId, need_name: 1 });

    // Assert
    const group = plain.group_chat as { name: string; owner: string; member_list: Array<{ userid: string; name?: string; type: number }> };
    expect(group.name).toBe(classGroup.name);
    expect(group.owner).toBe(classGroup.headTeacherUserId);
    expect(group.member_list.map((m) => m.userid).sort()).toEqual([...groupMembers(school).get(classGroup.roomId)!].sort());
    expect(group).not.toHaveProperty('member_count');
    expect(group.member_list.every((m) => m.name === undefined)).toBe(true);
    const namedMembers = (named.group_chat as typeof group).member_list;
    expect(namedMembers.find((m) => m.userid === classGroup.teacherUserId)?.name).toBe(school.staff.find((s) => s.userId === classGroup.teacherUserId)!.name);
  });

  test('when an internal group is read with the archive token, then roomname, creator and members come back', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token('archive');

    // Act
    const { body } = await running.request('POST', 'msgaudit/groupchat/get', { query: { access_token: token }, body: { roomid: internal.roomId } });

    // Assert
    expect(body).toMatchObject({ errcode: 0, roomname: internal.name, creator: internal.memberIds[0] });
    expect((body.members as unknown[]).length).toBe(new Set(internal.memberIds).size);
  });

  test.each([
    ['user/get', 60111, 'GET', { userid: 'nobody-here' }],
    ['user/get', 40003, 'GET', { userid: 'bad id!' }],
    ['externalcontact/get', 84061, 'GET', { external_userid: 'wmUnknownCustomer00000' }],
    ['externalcontact/get', 40096, 'GET', { external_userid: 'teacher01' }],
    ['externalcontact/groupchat/get', 40050, 'POST', { chat_id: 'wrUnknownGroup0000000' }],
    ['externalcontact/groupchat/get', 90501, 'POST', { chat_id: internal.roomId }],
  ] as const)('when %s is asked about an id it cannot answer for, then it answers %i', async (path, errcode, method, params) => {
    // Arrange
    const running = await startFake();

    // Act
    const body = method === 'GET' ? await running.get(path, params as Record<string, string>) : await running.post(path, params);

    // Assert
    expect(body.errcode).toBe(errcode);
  });

  test('when the archive API is asked about a customer group, then it answers 301059 "not an internal group"', async () => {
    // Arrange
    const running = await startFake();
    const token = await running.token('archive');

    // Act
    const { body } = await running.request('POST', 'msgaudit/groupchat/get', { query: { access_token: token }, body: { roomid: classGroup.roomId } });

    // Assert
    expect(body.errcode).toBe(301059);
  });

  test('when the fake starts with its defaults, then a few demo ids fail on purpose, each with its documented errcode', async () => {
    // Arrange
    const running = await startFake();
    const { unresolvable } = running.fake.state.directory;
    const ask = async (id: string) => {
      if (id.startsWith('wr')) return (await running!.post('externalcontact/groupchat/get', { chat_id: id })).errcode;
      if (id.startsWith('wm') || id.startsWith('wo')) return (await running!.get('externalcontact/get', { external_userid: id })).errcode;
      return (await running!.get('user/get', { userid: id })).errcode;
    };

    // Act
    const answers = [];
    for (const u of unresolvable) answers.push(await ask(u.id));

    // Assert
    expect(unresolvable.map((u) => u.errcode).sort()).toEqual([40096, 49008, 60111, 84061, 84061, 84061]);
    expect(answers).toEqual(unresolvable.map((u) => u.errcode));
  });

  test('when the fake starts with unresolvable: false, then every parent and staff id of the school resolves', async () => {
    // Arrange
    const running = await startFake({ unresolvable: false });

    // Act
    const { directory } = running.fake.state;

    // Assert
    expect(directory.unresolvable).toEqual([]);
    expect(directory.externalContacts.size).toBe(school.parents.length);
    expect(directory.users.size).toBe(school.staff.length);
  });
});
