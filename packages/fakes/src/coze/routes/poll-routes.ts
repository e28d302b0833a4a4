import type { Request, Response } from 'express';
import { cancelChat, isRunning, settle, wireChat } from '../chat-lifecycle.ts';
import { answerInjection, sendEnvelope, sendEnvelopeError } from '../coze-envelope.ts';
import type { CozeFakeContext } from '../coze-fake-context.ts';
import type { CozeEndpoint } from '../coze-injection.ts';
import type { FakeChat } from '../coze-fake-state.ts';

type ChatAnswer = (chat: FakeChat) => unknown;

/** `/v3/chat/retrieve`: the Chat. GET and POST (the SDKs disagree), ids in the query or, for POST, the body. */
export const retrieveHandler = (ctx: CozeFakeContext) => chatLookup(ctx, 'retrieve', (chat) => wireChat(chat));

/** `/v3/chat/message/list`: the answer and intermediate messages (not the question); empty while running. */
export const messageListHandler = (ctx: CozeFakeContext) => chatLookup(ctx, 'message_list', (chat) => chat.messages);

/** `POST /v3/chat/cancel` `{conversation_id, chat_id}`: only a running chat can be cancelled (4104 otherwise). */
export function cancelHandler(ctx: CozeFakeContext) {
  return chatLookup(ctx, 'cancel', (chat) => {
    if (!isRunning(chat)) return null;
    cancelChat(ctx.state, chat);
    return wireChat(chat);
  });
}

function chatLookup(ctx: CozeFakeContext, endpoint: CozeEndpoint, answer: ChatAnswer) {
  return (req: Request, res: Response): void => {
    const rule = ctx.injector.match(endpoint, undefined, false);
    if (answerInjection(ctx, res, rule)) return;
    const body = req.method === 'POST' ? ((req.body ?? {}) as Record<string, unknown>) : {};
    const conversationId = textParam(req.query.conversation_id) ?? textParam(body.conversation_id);
    const chatId = textParam(req.query.chat_id) ?? textParam(body.chat_id);
    if (!conversationId || !chatId) {
      sendEnvelopeError(ctx, res, { code: 4000, msg: 'conversation_id and chat_id are required' });
      return;
    }
    const chat = ctx.state.chats.get(chatId);
    if (!chat || chat.conversationId !== conversationId) {
      sendEnvelopeError(ctx, res, { code: 4200, msg: `chat ${chatId} does not exist in conversation ${conversationId}` });
      return;
    }
    const data = answer(settle(ctx.state, chat, ctx.now()));
    if (data === null) {
      sendEnvelopeError(ctx, res, { code: 4104 });
      return;
    }
    sendEnvelope(ctx, res, data);
  };
}

function textParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
