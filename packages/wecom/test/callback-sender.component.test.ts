import { createCallbackSender } from '@doitcrm/fakes';
import { describe, expect, test } from 'vitest';
import { parseEvent } from '../src/index.ts';
import { RECEIVER_AES_KEY, RECEIVER_TOKEN, startReceiver } from './callback-receiver.ts';

const corpId = 'wwFAKECORP00000001';
const event = {
  event: 'change_external_contact', changeType: 'del_follow_user',
  fields: { UserID: 'teacher01', ExternalUserID: 'wmFAKEPARENT01' },
} as const;
const senderFor = (url: string, extra: { timeoutMs?: number; forcePad?: number } = {}) => createCallbackSender({
  url, token: RECEIVER_TOKEN, encodingAesKey: RECEIVER_AES_KEY, corpId, agentId: 1000002, retryDelayMs: 0, ...extra,
});
/** the PKCS#7 pad of a plaintext in 32-byte blocks: 16 random + 4 length + message + receive id, spec §1.10 */
const padOf = (plaintext: string) => 32 - ((20 + Buffer.byteLength(plaintext) + Buffer.byteLength(corpId)) % 32);

describe("the WeCom fake's callback sender", () => {
  test.each([3, 20, 32])('when an event is sent with pad %i, then the envelope verifies and decrypts with our functions and reads as the event', async (pad) => {
    // Arrange
    const receiver = await startReceiver({ corpId });

    // Act
    const delivery = await senderFor(receiver.url, { forcePad: pad }).send(event);

    // Assert
    expect(delivery).toMatchObject({ delivered: true, attempts: [{ attempt: 1, outcome: 200 }] });
    expect(padOf(delivery.plaintext)).toBe(pad);
    const [got] = receiver.received;
    expect(got!.verification).toMatchObject({ ok: true, plaintext: delivery.plaintext });
    expect(got!.body).toContain('<AgentID><![CDATA[1000002]]></AgentID>');
    expect(parseEvent(delivery.plaintext)).toMatchObject({
      kind: 'change_external_contact', changeType: 'del_follow_user', userId: 'teacher01', externalUserId: 'wmFAKEPARENT01', fromUserName: 'sys', toUserName: corpId,
    });
  });

  test('when the receiver answers 500 every time, then WeCom tries 3 times in all with the same envelope and gives up', async () => {
    // Arrange
    const receiver = await startReceiver({ corpId, answers: [500] });

    // Act
    const delivery = await senderFor(receiver.url).send(event);

    // Assert
    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts.map((a) => a.outcome)).toEqual([500, 500, 500]);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.stringify([r.query, r.body]))).size).toBe(1);
    expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
  });

  test('when the receiver answers 502 and then 200, then the second attempt is the last', async () => {
    // Arrange
    const receiver = await startReceiver({ corpId, answers: [502, 200] });
    const sender = senderFor(receiver.url);

    // Act
    const delivery = await sender.send(event);

    // Assert
    expect(delivery).toMatchObject({ delivered: true });
    expect(delivery.attempts.map((a) => a.outcome)).toEqual([502, 200]);
    expect(receiver.received).toHaveLength(2);
    expect(sender.attempts()).toHaveLength(2);
  });

  test('when the receiver never answers, then each attempt times out and there are 3 in all', async () => {
    // Arrange
    const receiver = await startReceiver({ corpId, stall: true });

    // Act
    const delivery = await senderFor(receiver.url, { timeoutMs: 150 }).send(event);

    // Assert
    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts.map((a) => a.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(delivery.attempts.every((a) => a.ms >= 140)).toBe(true);
    expect(receiver.received).toHaveLength(3);
  });

  test('when 64 events of growing length are sent, then pads above 16 occur and every one verifies', async () => {
    // Arrange
    const receiver = await startReceiver({ corpId });
    const sender = senderFor(receiver.url);

    // Act
    for (let i = 0; i < 64; i++) await sender.send({ ...event, fields: { ...event.fields, ExternalUserID: `wm${'x'.repeat(i)}` } });

    // Assert
    expect(sender.deliveries.some((d) => padOf(d.plaintext) > 16)).toBe(true);
    expect(receiver.received.filter((r) => r.verification.ok)).toHaveLength(64);
  });

  test('when the URL check runs against a receiver with our token, then it echoes the plaintext; with another token, it fails', async () => {
    // Arrange
    const right = await startReceiver({ corpId });
    const wrong = await startReceiver({ corpId, token: 'someOtherToken', answers: [400] });

    // Act
    const good = await senderFor(right.url).verifyUrl();
    const bad = await senderFor(wrong.url).verifyUrl();

    // Assert
    expect(good).toMatchObject({ ok: true, outcome: 200 });
    expect(good.answer).toBe(good.echo);
    expect(bad).toMatchObject({ ok: false, outcome: 400 });
    expect(wrong.received[0]!.verification).toMatchObject({ ok: false, reason: 'signature' });
  });
});
