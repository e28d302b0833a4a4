import { groupMembers } from '@doitcrm/demo-data';
import { describe, expect, test } from 'vitest';
import { allPages, createWecomClient, WecomError } from '../src/index.ts';
import { resolvableParent, resolvableStaff, school, startHarness } from './wecom-fake-harness.ts';

const internalGroup = school.otherGroups.find((g) => g.kind === 'internal_group')!;
const classGroup = school.classes[0]!;

describe('WeCom client: lookups', () => {
  test('when a WeChat parent is looked up, then the contact comes back in camelCase with the nickname as name and its followers', async () => {
    // Arrange
    const harness = await startHarness();
    const parent = resolvableParent(harness.fake);

    // Act
    const contact = await harness.client().getExternalContact(parent.externalId);

    // Assert
    expect(contact).toMatchObject({ externalUserId: parent.externalId, name: parent.nickname, type: 1 });
    expect(contact.followers.map((f) => f.userId)).toContain(parent.advisorUserId);
    expect(contact.followers[0]).toMatchObject({ remark: parent.businessName ?? '', addWay: 1 });
    expect(contact.followers[0]!.tags?.length).toBeGreaterThan(0);
  });

  test('when a parent who is a WeCom user of another corp is looked up, then type 2 comes with the corp name', async () => {
    // Arrange
    const harness = await startHarness();
    const parent = resolvableParent(harness.fake, 'wo');

    // Act
    const contact = await harness.client().getExternalContact(parent.externalId);

    // Assert
    expect(contact).toMatchObject({ type: 2, name: parent.name });
    expect(contact.corpName).toBeTruthy();
  });

  test('when a member is looked up, then name, department and position come back and gender stays a string', async () => {
    // Arrange
    const harness = await startHarness();
    const staff = resolvableStaff(harness.fake);

    // Act
    const user = await harness.client().getUser(staff.userId);

    // Assert
    expect(user).toMatchObject({ userId: staff.userId, name: staff.name, status: 1 });
    expect(user.department.length).toBe(1);
    expect(typeof user.gender).toBe('string');
  });

  test('when a class group is looked up, then the member count is counted from member_list (the API has no count field)', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const group = await harness.client().getCustomerGroup(classGroup.roomId, { needName: true });

    // Assert
    expect(group).toMatchObject({ chatId: classGroup.roomId, name: classGroup.name, owner: classGroup.headTeacherUserId });
    expect(group.memberCount).toBe(groupMembers(school).get(classGroup.roomId)!.length);
    expect(group.members.find((m) => m.userId === classGroup.teacherUserId)?.name).toBeTruthy();
  });

  test('when an internal group is looked up with the archive secret, then its name, creator and members come back', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const group = await harness.client().getInternalGroup(internalGroup.roomId);

    // Assert
    expect(group).toMatchObject({ roomId: internalGroup.roomId, name: internalGroup.name, creator: internalGroup.memberIds[0] });
    expect(group.memberCount).toBe(new Set(internalGroup.memberIds).size);
  });

  test('when no archive secret is configured, then reading an internal group fails with a permission error, not "unresolvable"', async () => {
    // Arrange
    const harness = await startHarness();
    const client = createWecomClient({ baseUrl: harness.url, corpId: harness.fake.corpId, secret: harness.fake.secret });

    // Act
    const error = await client.resolveName(internalGroup.roomId, 'internal_group').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(WecomError);
    expect(error).toMatchObject({ errcode: 48002, kind: 'permission' });
  });

  test('when contacts are paged with batch/get_by_user, then every (customer, follower) pair arrives once across pages', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const followers = await client.listFollowUsers();
    const expected = [...harness.fake.state.directory.externalContacts.values()].reduce((n, c) => n + c.follow_user.length, 0);

    // Act
    const pairs: string[] = [];
    for (let i = 0; i < followers.length; i += 100) {
      const batch = followers.slice(i, i + 100);
      for await (const item of allPages((cursor) => client.batchGetExternalContacts(batch, { cursor, limit: 100 }))) {
        pairs.push(`${item.contact.externalUserId}/${item.follower.userId}`);
      }
    }

    // Assert
    expect(pairs.length).toBe(expected);
    expect(new Set(pairs).size).toBe(expected);
  });

  test('when customer groups are listed 25 at a time, then every live group arrives and the dismissed one does not', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const dismissed = harness.fake.state.directory.unresolvable.find((u) => u.errcode === 49008)!.id;

    // Act
    const ids: string[] = [];
    for await (const g of allPages((cursor) => client.listCustomerGroups({ cursor, limit: 25 }))) ids.push(g.chatId);

    // Assert
    expect(ids).toHaveLength(school.classes.length + 2);
    expect(ids).not.toContain(dismissed);
    expect(harness.fake.calls.count('externalcontact/groupchat/list')).toBe(Math.ceil(ids.length / 25));
  });
});

describe('WeCom client: resolveName', () => {
  test('when each kind of id is resolved, then the right endpoint gives its name', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const staff = resolvableStaff(harness.fake);
    const parent = resolvableParent(harness.fake);

    // Act
    const names = await Promise.all([
      client.resolveName(staff.userId, 'staff'),
      client.resolveName(parent.externalId, 'external_wechat'),
      client.resolveName(classGroup.roomId, 'customer_group'),
      client.resolveName(internalGroup.roomId, 'internal_group'),
    ]);

    // Assert
    expect(names).toEqual([
      { status: 'resolved', name: staff.name },
      { status: 'resolved', name: parent.nickname },
      { status: 'resolved', name: classGroup.name },
      { status: 'resolved', name: internalGroup.name },
    ]);
    expect(harness.fake.calls.byEndpoint()).toMatchObject({
      'user/get': 1, 'externalcontact/get': 1, 'externalcontact/groupchat/get': 1, 'msgaudit/groupchat/get': 1,
    });
  });

  test('when a bot id is resolved, then it is unresolvable without any call to WeCom', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client().resolveName(school.bots[0]!.externalId, 'bot');

    // Assert
    expect(result.status).toBe('unresolvable');
    expect(harness.fake.calls.all()).toHaveLength(0);
  });

  test('when the fake\'s deliberately unresolvable ids are resolved, then each is skipped with its errcode and a reason', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const kindOf = (id: string) => (id.startsWith('wr') ? 'customer_group' : id.startsWith('wo') ? 'external_wecom' : id.startsWith('wm') ? 'external_wechat' : 'staff');

    // Act
    const results = await Promise.all(harness.fake.state.directory.unresolvable.map((u) => client.resolveName(u.id, kindOf(u.id))));

    // Assert
    expect(results.map((r) => r.status === 'unresolvable' && r.errcode)).toEqual(harness.fake.state.directory.unresolvable.map((u) => u.errcode));
    expect(results.every((r) => r.status === 'unresolvable' && r.reason.length > 10)).toBe(true);
  });

  test('when a customer group has no name, then a name is made up from the member count and marked as such', async () => {
    // Arrange
    const harness = await startHarness();
    const group = harness.fake.state.directory.customerGroups.get(classGroup.roomId)!;
    group.name = '';

    // Act
    const result = await harness.client().resolveName(classGroup.roomId, 'customer_group');

    // Assert
    expect(result).toEqual({ status: 'resolved', name: `群聊(${group.member_list.length}人)`, synthesized: true });
  });

  test('when WeCom stays busy, then resolveName throws so the job can retry later instead of marking the id unresolvable', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client({ retry: { busyMaxRetries: 1 } });
    const parent = resolvableParent(harness.fake);
    harness.fake.inject({ endpoint: 'externalcontact/get', errcode: -1 });

    // Act
    const error = await client.resolveName(parent.externalId, 'external_wechat').catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ errcode: -1, kind: 'busy', permanent: false });
  });

  test('when a few ids always fail and a burst of −1 hits the rest, then the good ids resolve and only the bad ones are unresolvable', async () => {
    // Arrange
    const harness = await startHarness();
    // more retries than injected −1s: whatever order the calls arrive in, no good id can run out of retries
    const client = harness.client({ retry: { busyMaxRetries: 10 } });
    const skip = new Set(harness.fake.state.directory.unresolvable.map((u) => u.id));
    const parents = school.parents.filter((p) => p.externalId.startsWith('wm') && !skip.has(p.externalId)).slice(200, 230);
    const broken = parents.slice(0, 3).map((p) => p.externalId);
    harness.fake.inject({ endpoint: 'externalcontact/get', errcode: 40096, forIds: broken });
    harness.fake.inject({ endpoint: 'externalcontact/get', errcode: -1, times: 10 });

    // Act
    const results = await Promise.all(parents.map((p) => client.resolveName(p.externalId, 'external_wechat')));

    // Assert
    expect(results.filter((r) => r.status === 'unresolvable').length).toBe(3);
    expect(results.slice(3).every((r, i) => r.status === 'resolved' && r.name === parents[i + 3]!.nickname)).toBe(true);
    expect(harness.fake.calls.count('externalcontact/get', -1)).toBe(10);
  });
});
