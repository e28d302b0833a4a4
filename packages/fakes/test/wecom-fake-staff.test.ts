import { createServer } from 'node:http';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { WecomFake } from '../src/index.ts';
import { school, startFake } from './wecom-fake-http.ts';

const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A receiver that takes every callback with 200; the events are read back from the sender's deliveries. */
async function attachAcceptingReceiver(fake: WecomFake): Promise<() => string[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  const sender = fake.attachCallback({ url: `http://127.0.0.1:${port}/cb`, token: 't0ken', encodingAesKey: 'a'.repeat(43), retryDelayMs: 0 });
  return () => sender.deliveries.map((d) => d.plaintext);
}

const field = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${name}>`).exec(xml)?.[1];

describe('WeCom fake: staff actions over /__control/wecom', () => {
  test('when a group is created, joined by QR code, left, renamed and dismissed, then groupchat/get follows and one event goes out per step', async () => {
    // Arrange
    const running = await startFake({ unresolvable: false });
    const events = await attachAcceptingReceiver(running.fake);
    const control = `${running.url}/__control/wecom`;
    const [owner, helper] = school.staff.map((s) => s.userId);
    const [p1, p2] = school.parents.map((p) => p.externalId);

    // Act
    const created = await (await fetch(`${control}/groups`, json('POST', { owner, name: '暑期班家长群', memberIds: [helper] }))).json() as { chatId: string };
    await fetch(`${control}/groups/${created.chatId}/add-members`, json('POST', { userIds: [p1, p2], joinScene: 3 }));
    await fetch(`${control}/groups/${created.chatId}/remove-members`, json('POST', { userIds: [p1], quitScene: 1 }));
    await fetch(`${control}/groups/${created.chatId}/rename`, json('POST', { name: '暑期班（二期）' }));
    const live = await running.post('externalcontact/groupchat/get', { chat_id: created.chatId });
    await fetch(`${control}/groups/${created.chatId}/dismiss`, json('POST', {}));
    const dismissed = await running.post('externalcontact/groupchat/get', { chat_id: created.chatId });

    // Assert
    const group = live.group_chat as { name: string; owner: string; member_list: Array<{ userid: string; join_scene: number }> };
    expect(group).toMatchObject({ name: '暑期班（二期）', owner });
    expect(group.member_list.map((m) => m.userid)).toEqual([owner, helper, p2]);
    expect(group.member_list.at(-1)?.join_scene).toBe(3);
    expect(dismissed.errcode).toBe(49008);
    const sent = events();
    expect(sent.map((x) => [field(x, 'ChangeType'), field(x, 'UpdateDetail')])).toEqual([
      ['create', undefined], ['update', 'add_member'], ['update', 'del_member'], ['update', 'change_name'], ['dismiss', undefined],
    ]);
    expect(sent.every((x) => field(x, 'ChatId') === created.chatId && field(x, 'Event') === 'change_external_chat')).toBe(true);
    expect([field(sent[1]!, 'JoinScene'), field(sent[1]!, 'MemChangeCnt'), field(sent[2]!, 'QuitScene')]).toEqual(['3', '2', '1']);
  });

  test('when tags are created, renamed and deleted, then the tag library and the customers\' tags follow and each raises one tag event', async () => {
    // Arrange
    const running = await startFake({ unresolvable: false });
    const events = await attachAcceptingReceiver(running.fake);
    const control = `${running.url}/__control/wecom`;
    const parent = school.parents.find((p) => p.externalId.startsWith('wm'))!;
    const library = (await running.post('externalcontact/get_corp_tag_list', {})).tag_group as Array<{ group_id: string; group_name: string; tag: Array<{ id: string; name: string }> }>;
    expect((await running.get('externalcontact/get_corp_tag_list')).tag_group).toEqual(library);
    const statusGroup = library.find((g) => g.group_name === '学员状态')!;
    const before = await running.get('externalcontact/get', { external_userid: parent.externalId });
    const statusTag = (before.follow_user as Array<{ tags: Array<{ tag_id: string; group_name: string }> }>)[0]!.tags.find((t) => t.group_name === '学员状态')!;

    // Act
    const newGroup = await (await fetch(`${control}/tags`, json('POST', { groupName: '兴趣', name: '自然拼读' }))).json() as { groupId: string };
    await fetch(`${control}/tags`, json('POST', { groupId: newGroup.groupId, name: '绘本' }));
    await fetch(`${control}/tags/${statusTag.tag_id}`, json('PATCH', { name: '在读（新）' }));
    const renamed = await running.get('externalcontact/get', { external_userid: parent.externalId });
    await fetch(`${control}/tags/${statusGroup.group_id}`, { method: 'DELETE' });
    const live = (await running.post('externalcontact/get_corp_tag_list', {})).tag_group as typeof library;
    const asked = (await running.post('externalcontact/get_corp_tag_list', { group_id: [statusGroup.group_id] })).tag_group as Array<{ deleted: boolean }>;
    const after = await running.get('externalcontact/get', { external_userid: parent.externalId });

    // Assert
    const tagsOf = (body: Record<string, unknown>) => (body.follow_user as Array<{ tags: Array<{ tag_id: string; tag_name: string }> }>)[0]!.tags;
    expect(tagsOf(renamed).find((t) => t.tag_id === statusTag.tag_id)?.tag_name).toBe('在读（新）');
    expect(live.find((g) => g.group_id === newGroup.groupId)?.tag.map((t) => t.name)).toEqual(['绘本', '自然拼读']);
    expect(live.some((g) => g.group_id === statusGroup.group_id)).toBe(false);
    expect(asked).toMatchObject([{ deleted: true }]);
    expect(tagsOf(after).some((t) => t.tag_id === statusTag.tag_id)).toBe(false);
    expect(events().map((x) => [field(x, 'Event'), field(x, 'ChangeType'), field(x, 'TagType')])).toEqual([
      ['change_external_tag', 'create', 'tag_group'], ['change_external_tag', 'create', 'tag'],
      ['change_external_tag', 'update', 'tag'], ['change_external_tag', 'delete', 'tag_group'],
    ]);
  });

  test.each([
    ['a customer added to a member who does not exist', 'POST', '/members/nobody/customers', {}, 404],
    ['a second add of a customer the member follows', 'POST', `/members/${school.parents[0]!.advisorUserId}/customers`, { externalUserId: school.parents[0]!.externalId }, 409],
    ['a re-tag with a tag that is not in the library', 'PATCH', `/customers/${school.parents[0]!.externalId}/followers/${school.parents[0]!.advisorUserId}`, { tagIds: ['etNOPE'] }, 400],
    ['a delete of a relation that does not exist', 'POST', `/customers/${school.parents[0]!.externalId}/delete-follow-user`, { userId: 'nobody' }, 404],
    ['a group without an owner', 'POST', '/groups', { name: 'x' }, 400],
    ['a callback receiver with a short key', 'PUT', '/callback', { url: 'http://127.0.0.1:9/cb', token: 't', encodingAesKey: 'short' }, 400],
  ])('when %s is asked for, then the control API refuses it with the status that says why', async (_case, method, path, body, status) => {
    // Arrange
    const running = await startFake({ unresolvable: false });

    // Act
    const response = await fetch(`${running.url}/__control/wecom${path}`, json(method, body));

    // Assert
    expect(response.status).toBe(status);
    expect(running.fake.callbackSender()).toBeNull();
  });
});
