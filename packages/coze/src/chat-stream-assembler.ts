import type { z } from 'zod';
import { CozeError } from './coze-error.ts';
import { cozeErrorPolicy, SERVER_POLICY } from './error-policy.ts';
import type { CozeChatRef, CozeChatResult } from './coze-types.ts';
import type { SseEvent } from './sse-parser.ts';
import { chatShape, messageShape, streamErrorShape, type WireChat } from './wire-schemas.ts';

/**
 * Builds the answer from the events of one `/v3/chat` stream. Only `type: "answer"` messages count: `verbose`
 * (e.g. knowledge recall) and `follow_up` (suggested questions) arrive as completed messages and are ignored.
 * An answer message that came whole (completed without deltas) counts once, as one fragment.
 */
export class ChatStreamAssembler {
  private readonly fragments: string[] = [];
  private readonly messagesWithDeltas = new Set<string>();
  private conversationId = '';
  private chatId = '';
  private usage: CozeChatResult['usage'] = null;
  private completed = false;
  private finished = false;
  private announced = false;

  constructor(
    private readonly onDelta: ((text: string) => void) | undefined,
    private readonly logId: string | null,
    private readonly onChatCreated?: (chat: CozeChatRef) => void,
  ) {}

  /** Takes one event; true once the stream is over (`done`). Throws a `CozeError` for failure events. */
  handle(event: SseEvent): boolean {
    switch (event.event) {
      case 'conversation.chat.created':
      case 'conversation.chat.in_progress':
        this.noteChat(this.parse(event, chatShape));
        return false;
      case 'conversation.message.delta':
        this.onMessage(event, 'delta');
        return false;
      case 'conversation.message.completed':
        this.onMessage(event, 'completed');
        return false;
      case 'conversation.chat.completed': {
        const chat = this.parse(event, chatShape);
        this.noteChat(chat);
        this.usage = chat.usage ? { tokenCount: chat.usage.token_count, inputCount: chat.usage.input_count, outputCount: chat.usage.output_count } : null;
        this.completed = true;
        return false;
      }
      case 'conversation.chat.failed':
        throw this.chatFailed(this.parse(event, chatShape));
      case 'conversation.chat.requires_action':
        throw new CozeError({
          kind: 'config', code: null, retryable: false, logId: this.logId,
          hint: '机器人要求调用端插件（requires_action），本系统不提供：请从机器人中移除端插件 (the bot asks for a client-side tool output this system cannot give: remove local plugins from the bot)',
        });
      case 'conversation.chat.canceled':
        throw new CozeError({ kind: 'failed', code: null, retryable: false, logId: this.logId, hint: '对话已在扣子侧被取消 (the chat was cancelled on Coze\'s side)' });
      case 'error': {
        const wire = this.parse(event, streamErrorShape);
        const policy = cozeErrorPolicy(wire.code ?? null, null);
        throw new CozeError({ ...policy, code: wire.code ?? null, cozeMessage: wire.msg, logId: this.logId });
      }
      case 'done':
        this.finished = true;
        return true;
      default:
        // audio deltas and events newer than this client carry nothing a text summary needs
        return false;
    }
  }

  /** The whole answer; throws when the stream stopped before `conversation.chat.completed` or said nothing. */
  result(): CozeChatResult {
    if (!this.completed) {
      throw new CozeError({
        ...SERVER_POLICY, code: null, logId: this.logId,
        hint: `扣子的回答流在完成前中断 (the Coze stream ended ${this.finished ? 'with done' : 'abruptly'} before conversation.chat.completed)`,
      });
    }
    const text = this.fragments.join('');
    if (text.trim() === '') {
      throw new CozeError({
        kind: 'failed', code: null, retryable: false, logId: this.logId,
        hint: '扣子机器人返回了空回答：检查机器人的提示词与模型配置 (the bot returned an empty answer: check its prompt and model)',
      });
    }
    return { text, conversationId: this.conversationId, chatId: this.chatId, usage: this.usage };
  }

  private onMessage(event: SseEvent, phase: 'delta' | 'completed'): void {
    const message = this.parse(event, messageShape);
    if (message.type !== 'answer' || (message.role !== undefined && message.role !== 'assistant')) return;
    const key = message.id ?? '';
    if (phase === 'completed') {
      if (this.messagesWithDeltas.has(key)) return;
    } else {
      this.messagesWithDeltas.add(key);
    }
    this.conversationId ||= message.conversation_id ?? '';
    this.chatId ||= message.chat_id ?? '';
    if (message.content === '') return;
    this.fragments.push(message.content);
    this.onDelta?.(message.content);
  }

  private noteChat(chat: WireChat): void {
    this.chatId = chat.id;
    this.conversationId = chat.conversation_id;
    // the first event (`conversation.chat.created`) names the chat: from here on it is paid for, whatever happens
    if (this.announced || chat.id === '') return;
    this.announced = true;
    this.onChatCreated?.({ conversationId: chat.conversation_id, chatId: chat.id });
  }

  private chatFailed(chat: WireChat): CozeError {
    const lastError = chat.last_error ?? { code: 0, msg: '' };
    return new CozeError({
      kind: 'failed', code: lastError.code || null, retryable: false, cozeMessage: lastError.msg, logId: this.logId,
      hint: '扣子机器人处理失败（conversation.chat.failed） (the bot failed to answer)',
    });
  }

  private parse<T extends z.ZodType>(event: SseEvent, shape: T): z.infer<T> {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (cause) {
      throw this.unreadable(event, cause);
    }
    const parsed = shape.safeParse(json);
    if (!parsed.success) throw this.unreadable(event, parsed.error);
    return parsed.data;
  }

  private unreadable(event: SseEvent, cause: unknown): CozeError {
    return new CozeError({
      kind: 'server', code: null, retryable: false, logId: this.logId, cause,
      hint: `扣子发送了无法解析的事件 ${event.event} (Coze sent an event this client cannot read: the contract may have changed)`,
    });
  }
}
