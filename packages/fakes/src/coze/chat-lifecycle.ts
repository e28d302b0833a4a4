import { fakeAnswer, fakeUsage } from './fake-answer.ts';
import type { CozeFakeState, FakeBot, FakeChat, FakeMessage } from './coze-fake-state.ts';

const FOLLOW_UPS = ['孩子最近的作业完成情况如何？', '怎样帮助孩子提高英语口语？'];
const VERBOSE_FINISH = JSON.stringify({ msg_type: 'generate_answer_finish', data: '', from_module: null, from_unit: null });
const VERBOSE_RECALL = JSON.stringify({ msg_type: 'knowledge_recall', data: JSON.stringify({ chunks: [] }) });

export interface NewChat {
  bot: FakeBot;
  userId: string;
  question: string;
  stream: boolean;
  /** the `conversation_id` query parameter; a new conversation when absent */
  conversationId?: string;
}

/** Opens a chat (and its conversation when none was named); it runs until completed, failed or cancelled. */
export function openChat(state: CozeFakeState, request: NewChat, now: number): FakeChat {
  const conversationId = request.conversationId ?? state.ids.take();
  const conversation = state.conversations.get(conversationId) ?? { id: conversationId, runningChatId: null };
  state.conversations.set(conversationId, conversation);
  const chat: FakeChat = {
    id: state.ids.take(), conversationId, botId: request.bot.id, userId: request.userId,
    question: request.question, answer: fakeAnswer(request.bot, request.question), stream: request.stream,
    status: 'in_progress', createdAt: Math.floor(now / 1000), completedAt: null, failedAt: null, lastError: { code: 0, msg: '' },
    dueAt: now + state.nonStreamDurationMs, failWith: null, messages: [],
  };
  state.chats.set(chat.id, chat);
  conversation.runningChatId = chat.id;
  return chat;
}

/** A non-stream chat finishes by itself once its time has come; call before reading it. */
export function settle(state: CozeFakeState, chat: FakeChat, now: number): FakeChat {
  if (chat.stream || chat.status !== 'in_progress' || now < chat.dueAt) return chat;
  if (chat.failWith) failChat(state, chat, chat.failWith, now);
  else completeChat(state, chat, now);
  return chat;
}

/** The chat running in a conversation now, if any (settling a finished non-stream one first). */
export function runningChat(state: CozeFakeState, conversationId: string, now: number): FakeChat | null {
  const runningId = state.conversations.get(conversationId)?.runningChatId;
  const chat = runningId ? state.chats.get(runningId) : undefined;
  if (!chat) return null;
  settle(state, chat, now);
  return isRunning(chat) ? chat : null;
}

/** `messages`: those a stream already announced (their ids must stay); made fresh otherwise. */
export function completeChat(state: CozeFakeState, chat: FakeChat, now: number, messages?: FakeMessage[]): void {
  chat.status = 'completed';
  chat.completedAt = Math.floor(now / 1000);
  chat.messages = messages ?? finalMessages(state, chat, now);
  release(state, chat);
}

export function failChat(state: CozeFakeState, chat: FakeChat, lastError: { code: number; msg: string }, now: number): void {
  chat.status = 'failed';
  chat.failedAt = Math.floor(now / 1000);
  chat.lastError = lastError;
  release(state, chat);
}

export function cancelChat(state: CozeFakeState, chat: FakeChat): void {
  chat.status = 'canceled';
  release(state, chat);
}

export function isRunning(chat: FakeChat): boolean {
  return chat.status === 'created' || chat.status === 'in_progress';
}

/** The answer, with the verbose and follow-up messages the stream shape asks for, in stream order. */
export function finalMessages(state: CozeFakeState, chat: FakeChat, now: number): FakeMessage[] {
  const message = (type: FakeMessage['type'], content: string): FakeMessage => ({
    id: state.ids.take(), conversation_id: chat.conversationId, bot_id: chat.botId, chat_id: chat.id, role: 'assistant', type, content,
    content_type: 'text', created_at: Math.floor(now / 1000), updated_at: Math.floor(now / 1000),
  });
  const { verbose, followUp } = state.stream;
  return [
    ...(verbose ? [message('verbose', VERBOSE_RECALL)] : []),
    message('answer', chat.answer),
    ...(verbose ? [message('verbose', VERBOSE_FINISH)] : []),
    ...(followUp ? FOLLOW_UPS.map((text) => message('follow_up', text)) : []),
  ];
}

/** The Chat object as Coze sends it. */
export function wireChat(chat: FakeChat): Record<string, unknown> {
  const finished = chat.status === 'completed';
  return {
    id: chat.id,
    conversation_id: chat.conversationId,
    bot_id: chat.botId,
    created_at: chat.createdAt,
    ...(chat.completedAt === null ? {} : { completed_at: chat.completedAt }),
    ...(chat.failedAt === null ? {} : { failed_at: chat.failedAt }),
    last_error: chat.lastError,
    status: chat.status,
    usage: finished ? fakeUsage(chat.question, chat.answer) : { token_count: 0, output_count: 0, input_count: 0 },
  };
}

function release(state: CozeFakeState, chat: FakeChat): void {
  const conversation = state.conversations.get(chat.conversationId);
  if (conversation?.runningChatId === chat.id) conversation.runningChatId = null;
}
