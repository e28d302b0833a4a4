import { describe, expect, test } from 'vitest';
import { parseEvent, type ExternalContactFollow, type WecomClient } from '../src/index.ts';
import { RECEIVER_AES_KEY, RECEIVER_TOKEN, startReceiver } from './callback-receiver.ts';
import { resolvableParent, startHarness } from './wecom-fake-harness.ts';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function pairsOf(client: WecomClient, userId: string): Promise<ExternalContactFollow[]> {
  const pairs: ExternalContactFollow[] = [];
  let cursor = '';
  do {
    const page = await client.batchGetExternalContacts([userId], { cursor });
    pairs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pairs;
}

/** The fake with a receiver attached over its control API, as a test or a person would do it. */
async function fakeWithReceiver() {
  const harness = await startHarness();
  const receiver = await startReceiver({ corpId: harness.fake.corpId });
  const attached = await fetch(`${harness.url}/__control/wecom/callback`, {
    method: 'PUT', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url, token: RECEIVER_TOKEN, encodingAesKey: RECEIVER_AES_KEY, agentId: 1000002 }),
  });
  expect(attached.status).toBe(204);
  return { harness, receiver, client: harness.client() };
}

describe('WeCom fake: staff actions raise callbacks', () => {
  test('when a customer deletes their teacher, then batch/get_by_user stops listing the pair and exactly one del_follow_user arrives', async () => {
    // Arrange
    const { harness, receiver, client } = await fakeWithReceiver();
    const parent = resolvableParent(harness.fake);
    const before = await pairsOf(client, parent.advisorUserId);

    // Act
    const response = await post(`${harness.url}/__control/wecom/customers/${parent.externalId}/delete-follow-user`, { userId: parent.advisorUserId });
    const after = await pairsOf(client, parent.advisorUserId);

    // Assert
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ callback: { delivered: true, attempts: [{ outcome: 200 }] } });
    expect(before.some((p) => p.contact.externalUserId === parent.externalId)).toBe(true);
    expect(after.some((p) => p.contact.externalUserId === parent.externalId)).toBe(false);
    expect(after).toHaveLength(before.length - 1);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.verification.ok).toBe(true);
    expect(got!.verification.ok && parseEvent(got!.verification.plaintext)).toMatchObject({
      kind: 'change_external_contact', changeType: 'del_follow_user', userId: parent.advisorUserId, externalUserId: parent.externalId,
    });
  });

  test('when a teacher adds a new customer, then the pair appears with its state and exactly one add_external_contact arrives', async () => {
    // Arrange
    const { harness, receiver, client } = await fakeWithReceiver();
    const teacher = [...harness.fake.state.directory.users.keys()][0]!;

    // Act
    const response = await post(`${harness.url}/__control/wecom/members/${teacher}/customers`, { name: '测试家长', state: 'open_day' });
    const { externalUserId } = await response.json() as { externalUserId: string };
    const after = await pairsOf(client, teacher);

    // Assert
    expect(after.find((p) => p.contact.externalUserId === externalUserId)).toMatchObject({ contact: { name: '测试家长' }, follower: { userId: teacher, state: 'open_day' } });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!.verification;
    expect(got.ok && parseEvent(got.plaintext)).toMatchObject({ changeType: 'add_external_contact', userId: teacher, externalUserId, state: 'open_day' });
  });

  test('when a teacher re-tags a customer, then batch tag ids change and one edit_external_contact arrives', async () => {
    // Arrange
    const { harness, receiver, client } = await fakeWithReceiver();
    const parent = resolvableParent(harness.fake);
    const [someGroup] = await client.listCorpTags();
    const tagId = someGroup!.tags.at(-1)!.id;

    // Act
    const response = await fetch(`${harness.url}/__control/wecom/customers/${parent.externalId}/followers/${parent.advisorUserId}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tagIds: [tagId], remark: '已续费' }),
    });
    const after = (await pairsOf(client, parent.advisorUserId)).find((p) => p.contact.externalUserId === parent.externalId);

    // Assert
    expect(response.status).toBe(200);
    expect(after?.follower).toMatchObject({ tagIds: [tagId], remark: '已续费' });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!.verification;
    expect(got.ok && parseEvent(got.plaintext)).toMatchObject({ changeType: 'edit_external_contact', externalUserId: parent.externalId });
  });

  test('when no receiver is attached, then the action still changes the directory and reports no callback', async () => {
    // Arrange
    const harness = await startHarness();
    const parent = resolvableParent(harness.fake);

    // Act
    const response = await post(`${harness.url}/__control/wecom/customers/${parent.externalId}/delete-external-contact`, { userId: parent.advisorUserId });

    // Assert
    expect(await response.json()).toMatchObject({ callback: null });
    expect(harness.fake.state.directory.externalContacts.get(parent.externalId)?.follow_user.some((f) => f.userid === parent.advisorUserId) ?? false).toBe(false);
  });
});
