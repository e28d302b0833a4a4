import { z } from 'zod';

/** The Chat object of `/v3/chat` events and answers; only the fields this client reads, others pass. */
export const chatShape = z.looseObject({
  id: z.string(),
  conversation_id: z.string(),
  status: z.string().optional(),
  last_error: z.looseObject({ code: z.number(), msg: z.string().optional() }).nullish(),
  usage: z.looseObject({ token_count: z.number(), output_count: z.number(), input_count: z.number() }).nullish(),
});
export type WireChat = z.infer<typeof chatShape>;

export const messageShape = z.looseObject({
  id: z.string().optional(),
  conversation_id: z.string().optional(),
  chat_id: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  content: z.string().optional().default(''),
});
export type WireMessage = z.infer<typeof messageShape>;

/** `event:error` data; coze-py's fixture is `{}`, so every field is optional. */
export const streamErrorShape = z.looseObject({ code: z.number().optional(), msg: z.string().optional() });

/** The non-stream envelope `{code, msg, data?, detail?: {logid}}`; code > 0 is an error. */
export const envelopeShape = z.looseObject({
  code: z.number(),
  msg: z.string().optional().default(''),
  data: z.unknown().optional(),
  detail: z.looseObject({ logid: z.string().optional() }).optional(),
});

export const botInfoShape = z.looseObject({ bot_id: z.string().optional(), name: z.string().optional().default('') });

/** `/v3/chat/message/list` data: the chat's messages. */
export const messageListShape = z.array(messageShape);
