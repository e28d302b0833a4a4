import type { Request, Response } from 'express';
import { openChat, runningChat, wireChat } from '../chat-lifecycle.ts';
import { answerInjection, sendEnvelope, sendEnvelopeError } from '../coze-envelope.ts';
import type { CozeFakeContext } from '../coze-fake-context.ts';
import { writeChatStream } from './stream-writer.ts';

interface ChatBody {
  bot_id: string;
  user_id: string;
  stream: boolean;
  question: string;
}

/** `POST /v3/chat[?conversation_id=C]`: checks as Coze does, then streams the answer or returns the Chat in progress. */
export function chatHandler(ctx: CozeFakeContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const stream = raw.stream === true;
    const rule = ctx.injector.match('chat', typeof raw.bot_id === 'string' ? raw.bot_id : undefined, stream);
    if (answerInjection(ctx, res, rule)) return;
    const body = readBody(raw);
    if (typeof body === 'string') {
      sendEnvelopeError(ctx, res, { code: 4000, msg: body });
      return;
    }
    const bot = ctx.state.bots.get(body.bot_id);
    if (!bot?.published) {
      sendEnvelopeError(ctx, res, { code: 4200, msg: `bot ${body.bot_id} does not exist or has not been published as an API service` });
      return;
    }
    const conversationId = typeof req.query.conversation_id === 'string' ? req.query.conversation_id : undefined;
    if (conversationId !== undefined && !ctx.state.conversations.has(conversationId)) {
      sendEnvelopeError(ctx, res, { code: 4200, msg: `conversation ${conversationId} does not exist` });
      return;
    }
    if (conversationId !== undefined && runningChat(ctx.state, conversationId, ctx.now())) {
      sendEnvelopeError(ctx, res, { code: 4016 });
      return;
    }
    const chat = openChat(ctx.state, { bot, userId: body.user_id, question: body.question, stream, conversationId }, ctx.now());
    if (!stream) {
      if (rule?.kind === 'chat_failed') chat.failWith = { code: rule.code ?? 5000, msg: rule.msg ?? 'event interval error' };
      sendEnvelope(ctx, res, wireChat(chat));
      return;
    }
    const call = ctx.currentCall(res);
    call.status = 200;
    call.code = 0;
    await writeChatStream(ctx, res, chat, rule);
  };
}

const ROLES = new Set(['user', 'assistant']);
const CONTENT_TYPES = new Set(['text', 'object_string', 'card']);

/** The body's fields, or the 4000 message naming what is wrong. */
function readBody(raw: Record<string, unknown>): ChatBody | string {
  if (typeof raw.bot_id !== 'string' || raw.bot_id === '') return 'bot_id is required';
  if (typeof raw.user_id !== 'string' || raw.user_id === '') return 'user_id is required';
  if (raw.stream !== undefined && typeof raw.stream !== 'boolean') return 'stream must be a boolean';
  if (raw.auto_save_history !== undefined && typeof raw.auto_save_history !== 'boolean') return 'auto_save_history must be a boolean';
  // documented: a non-stream chat needs the history saved, or it could never be retrieved
  if (raw.stream !== true && raw.auto_save_history === false) return 'auto_save_history must be true when stream is false';
  const messages = raw.additional_messages ?? [];
  if (!Array.isArray(messages)) return 'additional_messages must be an array';
  if (messages.length > 100) return 'additional_messages holds at most 100 messages';
  for (const [index, message] of messages.entries()) {
    const m = (message ?? {}) as Record<string, unknown>;
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) return `additional_messages[${index}].role must be user or assistant`;
    if (typeof m.content !== 'string') return `additional_messages[${index}].content must be a string`;
    if (typeof m.content_type !== 'string' || !CONTENT_TYPES.has(m.content_type)) return `additional_messages[${index}].content_type must be text, object_string or card`;
  }
  const lastQuestion = [...messages].reverse().find((m) => (m as Record<string, unknown>).role === 'user') as { content: string } | undefined;
  return { bot_id: raw.bot_id, user_id: raw.user_id, stream: raw.stream === true, question: lastQuestion?.content ?? '' };
}
