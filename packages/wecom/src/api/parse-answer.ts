import type { z } from 'zod';
import type { WecomAnswer, WecomRequest } from '../http-transport.ts';
import { WecomTransportError } from '../wecom-error.ts';

/** Which secret's token a call needs: msgaudit APIs only accept the chat-archive secret's token. */
export type SecretRole = 'main' | 'archive';

export type CallWecom = (role: SecretRole, request: WecomRequest) => Promise<WecomAnswer>;

/** Checks a successful answer against its documented shape; a mismatch means the contract moved. */
export function parseAnswer<S extends z.ZodType>(schema: S, answer: WecomAnswer, endpoint: string): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unexpected shape';
    throw new WecomTransportError('bad_body', endpoint, `answer does not match the documented shape (${where})`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Drops optional fields WeCom did not send, so results compare and print cleanly. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
