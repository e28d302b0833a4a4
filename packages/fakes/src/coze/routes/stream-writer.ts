import type { Response } from 'express';
import { splitIntoDeltas } from '../fake-answer.ts';
import { completeChat, failChat, finalMessages, isRunning, wireChat } from '../chat-lifecycle.ts';
import type { CozeFakeContext } from '../coze-fake-context.ts';
import type { CozeInjectionRule } from '../coze-injection.ts';
import type { CozeStreamShape, FakeChat, FakeMessage } from '../coze-fake-state.ts';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Streams one chat as Coze does: created → in_progress → (verbose) → answer deltas → answer completed →
 * (verbose, follow_up) → chat.completed → `event:done` with `data:"[DONE]"` (a JSON string, quotes included).
 * A stream-kind injection breaks it after `afterDeltas` fragments.
 */
export async function writeChatStream(ctx: CozeFakeContext, res: Response, chat: FakeChat, rule: CozeInjectionRule | null): Promise<void> {
  const shape: CozeStreamShape = { ...ctx.state.stream };
  let clientGone = false;
  res.on('close', () => {
    clientGone = !res.writableFinished;
    // a reader that leaves does not stop Coze: the chat finishes on its side
    if (isRunning(chat)) completeChat(ctx.state, chat, ctx.now());
  });
  res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-tt-logid': ctx.nextLogId() });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  const send = async (event: string, data: unknown): Promise<boolean> => {
    if (clientGone || chat.status === 'canceled') return false;
    await writeBytes(res, formatEvent(event, data, shape), shape.byteChunk);
    return !clientGone;
  };
  // the client left or the chat was cancelled: close what is still open (a stall, by contrast, stays open)
  const finish = () => {
    if (!res.writableEnded) res.end();
  };
  const messages = finalMessages(ctx.state, chat, ctx.now());
  const answer = messages.find((m) => m.type === 'answer') as FakeMessage;
  const deltas = splitIntoDeltas(chat.answer, Math.max(1, shape.chunkSize));
  const breakAt = rule ? Math.min(rule.afterDeltas ?? 0, deltas.length) : Number.POSITIVE_INFINITY;

  // coze sends a knowledge-recall verbose message before the answer and a "finish" one after it
  const [before, after] = messages[0]?.type === 'verbose' ? [messages.slice(0, 1), messages.slice(1)] : [[], messages];
  if (!(await send('conversation.chat.created', { ...wireChat(chat), status: 'created' }))) return finish();
  if (!(await send('conversation.chat.in_progress', wireChat(chat)))) return finish();
  for (const message of before) await send('conversation.message.completed', message);
  for (let i = 0; i <= deltas.length; i++) {
    if (i === breakAt && rule) return breakStream(ctx, res, chat, rule, send);
    if (i === deltas.length) break;
    if (shape.deltaDelayMs > 0) await pause(shape.deltaDelayMs);
    if (!(await send('conversation.message.delta', { ...answer, content: deltas[i], created_at: undefined, updated_at: undefined }))) return finish();
  }
  for (const message of after) await send('conversation.message.completed', message);
  if (!clientGone && chat.status !== 'canceled') {
    completeChat(ctx.state, chat, ctx.now(), messages);
    await send('conversation.chat.completed', wireChat(chat));
    await send('done', '[DONE]');
  }
  finish();
}

async function breakStream(
  ctx: CozeFakeContext, res: Response, chat: FakeChat, rule: CozeInjectionRule, send: (event: string, data: unknown) => Promise<boolean>,
): Promise<void> {
  switch (rule.kind) {
    case 'chat_failed':
      failChat(ctx.state, chat, { code: rule.code ?? 5000, msg: rule.msg ?? 'event interval error' }, ctx.now());
      await send('conversation.chat.failed', wireChat(chat));
      res.end();
      return;
    case 'stream_error':
      failChat(ctx.state, chat, { code: rule.code ?? 5000, msg: rule.msg ?? 'internal error' }, ctx.now());
      await send('error', { code: rule.code ?? 5000, msg: rule.msg ?? 'internal error' });
      res.end();
      return;
    case 'disconnect':
      // a fetch body that errors drops the chunks its reader has not taken yet: give the client time to read
      // the fragments sent so far, or the break would look like one before any text
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await pause(50);
      res.socket?.destroy();
      return;
    default:
      // stall: the connection stays open and silent until the client gives up (or the fake closes)
      return;
  }
}

/** One event on the wire, in the configured line ending, the JSON optionally spread over two `data:` lines. */
export function formatEvent(event: string, data: unknown, shape: Pick<CozeStreamShape, 'lineEnding' | 'multiLineData'>): string {
  const eol = shape.lineEnding;
  const json = JSON.stringify(data);
  // splitting right after the opening brace keeps the joined text (`{` LF `"id":…}`) valid JSON
  const dataLines = shape.multiLineData && json.startsWith('{') && json.length > 2 ? `data:{${eol}data:${json.slice(1)}` : `data:${json}`;
  return `event:${event}${eol}${dataLines}${eol}${eol}`;
}

async function writeBytes(res: Response, text: string, byteChunk: number): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  if (byteChunk <= 0) {
    res.write(bytes);
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += byteChunk) {
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + byteChunk));
    // a turn of the event loop between pieces, so they leave as separate writes
    await nextTurn();
  }
}
