import { describe, expect, test } from 'vitest';
import { createAppWebhookReceiver } from '../src/channels/app-webhook-receiver.ts';
import { createFeishuBotFake } from '../src/channels/feishu-bot-fake.ts';
import { createWecomSendFake } from '../src/channels/wecom-send-fake.ts';
import { listenChannelFake, listenSmtpSink } from '../src/testing.ts';

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('channel fakes: the control API the fault script drives', () => {
  test('when a fault is added over /__control, then the next send gets it and the deliveries report counts only what was delivered', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createWecomSendFake());
    const robot = `${url}/cgi-bin/webhook/send?key=${fake.robotKey}`;
    await post(`${url}/__control/faults`, { kind: 'rate-limit', times: 1 });

    // Act
    const limited = await (await post(robot, { msgtype: 'text', text: { content: 'a' } })).json();
    const sent = await (await post(robot, { msgtype: 'text', text: { content: 'a' } })).json();
    await post(robot, { msgtype: 'text', text: { content: 'a' } });
    const report = await (await fetch(`${url}/__control/deliveries`)).json();

    // Assert
    expect(limited).toMatchObject({ errcode: 45009 });
    expect(sent).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(report).toMatchObject({ total: 2, distinct: 1 });
    expect(Object.values(report.duplicates)).toEqual([2]);
  });

  test('when an unknown fault kind is posted, then 400 and nothing is armed', async () => {
    // Arrange
    const { url } = await listenChannelFake(createFeishuBotFake({ bots: { open: null } }));

    // Act
    const refused = await post(`${url}/__control/faults`, { kind: 'explode' });
    const sent = await (await post(`${url}/open-apis/bot/v2/hook/open`, { msg_type: 'text', content: { text: 'hi' } })).json();

    // Assert
    expect(refused.status).toBe(400);
    expect(sent).toMatchObject({ code: 0 });
  });

  test('when /__control/reset is posted, then deliveries and faults are forgotten', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createAppWebhookReceiver());
    fake.deliveries.record({ key: 'm1', at: 0, to: '/', providerId: 'm1', body: {} });
    fake.inject({ kind: 'permanent' });

    // Act
    const reset = await post(`${url}/__control/reset`, {});
    const report = await (await fetch(`${url}/__control/deliveries`)).json();

    // Assert
    expect(reset.status).toBe(204);
    expect(report).toEqual({ total: 0, distinct: 0, duplicates: {}, deduplicated: 0, dropped: 0 });
  });

  test('when the SMTP sink is listening, then its control API answers on its own HTTP port', async () => {
    // Arrange
    const { controlUrl } = await listenSmtpSink();

    // Act
    const report = await (await fetch(`${controlUrl}/deliveries`)).json();

    // Assert
    expect(report).toMatchObject({ total: 0 });
  });

  test('when WeCom is asked to send to a member over 30 a minute, then it answers ok and silently drops the excess, as documented', async () => {
    // Arrange
    const { fake, url } = await listenChannelFake(createWecomSendFake({ perMember: { minute: 2 } }));
    const token = (await (await fetch(`${url}/cgi-bin/gettoken?corpid=${fake.corpId}&corpsecret=${fake.secret}`)).json()).access_token as string;
    const send = (i: number) => post(`${url}/cgi-bin/message/send?access_token=${token}`, { touser: 'zhangsan', msgtype: 'text', agentid: fake.agentId, text: { content: `n${i}` } }).then((r) => r.json());

    // Act
    const answers = [await send(1), await send(2), await send(3)];

    // Assert
    expect(answers.map((a) => a.errcode)).toEqual([0, 0, 0]);
    expect(fake.deliveries.report()).toMatchObject({ total: 2, dropped: 1 });
  });
});
