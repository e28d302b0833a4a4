import { onTestFinished } from 'vitest';
import type { ChannelFake } from './channels/channel-fake-base.ts';
import { createSmtpSink, type ListeningSmtpSink, type SmtpSink, type SmtpSinkOptions } from './channels/smtp-sink.ts';
import { createFeishuFake, type FeishuFake, type FeishuFakeOptions } from './feishu/create-feishu-fake.ts';
import { createWecomFake, type WecomFake, type WecomFakeOptions } from './wecom/create-wecom-fake.ts';

/** A fake listening on 127.0.0.1 and a free port, as the tests of every client start it. */
export interface ListeningWecomFake {
  fake: WecomFake;
  url: string;
  close(): Promise<void>;
}

/**
 * Closes what a test started when that test ends, passed or failed, so test files need no `let` + `afterEach` of
 * their own. Call it inside a test (vitest's `onTestFinished`); a fake shared by a file is closed in its `afterAll`.
 */
export function closeWhenTestEnds<T extends { close(): Promise<void> }>(started: T): T {
  onTestFinished(() => started.close());
  return started;
}

/** The WeCom fake on 127.0.0.1, a random port. Pass `school` when the test compares answers with it. */
export async function listenWecomFake(options: WecomFakeOptions = {}): Promise<ListeningWecomFake> {
  const fake = createWecomFake(options);
  const server = await fake.listen(0, '127.0.0.1');
  return { fake, url: server.url, close: server.close };
}

/** A channel fake (SMS, WeCom sending, WeChat OA, Feishu bot, app webhook) on 127.0.0.1 and a free port, closed when the test ends. */
export async function listenChannelFake<F extends ChannelFake>(fake: F): Promise<{ fake: F; url: string; close(): Promise<void> }> {
  const server = closeWhenTestEnds(await fake.listen(0, '127.0.0.1'));
  return { fake, url: server.url, close: server.close };
}

/** The SMTP sink on 127.0.0.1 and a free port, closed when the test ends. */
export async function listenSmtpSink(options: SmtpSinkOptions = {}): Promise<{ sink: SmtpSink } & ListeningSmtpSink> {
  const sink = createSmtpSink(options);
  const server = closeWhenTestEnds(await sink.listen(0, '127.0.0.1'));
  return { sink, ...server };
}

/** The Feishu Bitable fake on 127.0.0.1 and a free port, closed when the test ends. */
export async function listenFeishuFake(options: FeishuFakeOptions = {}): Promise<{ fake: FeishuFake; url: string; close(): Promise<void> }> {
  const fake = createFeishuFake(options);
  const server = closeWhenTestEnds(await fake.listen(0, '127.0.0.1'));
  return { fake, url: server.url, close: server.close };
}
