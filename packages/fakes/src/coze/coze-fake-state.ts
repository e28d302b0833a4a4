import type { CozeIdSequence } from './coze-ids.ts';

export interface FakeBot {
  id: string;
  name: string;
  /** which summary the fake answers with */
  role: 'parent' | 'teacher' | 'other';
  /** unpublished bots answer 4200 like unknown ones */
  published: boolean;
}

export type FakeChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

/** A message in Coze's wire shape. */
export interface FakeMessage {
  id: string;
  conversation_id: string;
  bot_id: string;
  chat_id: string;
  role: 'assistant';
  type: 'answer' | 'verbose' | 'follow_up';
  content: string;
  content_type: 'text';
  created_at: number;
  updated_at: number;
}

export interface FakeChat {
  id: string;
  conversationId: string;
  botId: string;
  userId: string;
  question: string;
  answer: string;
  stream: boolean;
  status: FakeChatStatus;
  /** seconds, as Coze */
  createdAt: number;
  completedAt: number | null;
  failedAt: number | null;
  lastError: { code: number; msg: string };
  /** non-stream chats finish by themselves at this fake-clock time (ms) */
  dueAt: number;
  /** an injected failure a non-stream chat ends with */
  failWith: { code: number; msg: string } | null;
  messages: FakeMessage[];
}

export interface FakeConversation {
  id: string;
  /** the chat still running in it: a new chat here answers 4016 */
  runningChatId: string | null;
}

/** What the shape of the stream (and the extra messages) looks like; changeable while the fake runs. */
export interface CozeStreamShape {
  /** characters (code points) per `conversation.message.delta`; default 4 */
  chunkSize: number;
  /** pause before each delta; default 0 */
  deltaDelayMs: number;
  /** cut the wire bytes into writes of this many bytes, 1 ms apart (0 = one write per event); default 0 */
  byteChunk: number;
  /** line ends on the wire; default LF */
  lineEnding: '\n' | '\r\n' | '\r';
  /** send each `data` JSON over two `data:` lines (joined with LF, still valid JSON); default false */
  multiLineData: boolean;
  /** `verbose` completed messages before and after the answer; default true */
  verbose: boolean;
  /** `follow_up` completed messages (suggested questions) after the answer; default true */
  followUp: boolean;
}

export interface CozeFakeState {
  bots: Map<string, FakeBot>;
  chats: Map<string, FakeChat>;
  conversations: Map<string, FakeConversation>;
  ids: CozeIdSequence;
  stream: CozeStreamShape;
  /** how long a non-stream chat stays in_progress; default 200 ms */
  nonStreamDurationMs: number;
}
