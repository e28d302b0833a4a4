// The Coze (扣子) client: one-shot streamed chats with published bots, for the messages service's AI summaries.
export { createCozeClient } from './coze-client.ts';
export { CozeError, isCozeError, type CozeErrorKind, type CozeErrorFields } from './coze-error.ts';
export { cozeErrorPolicy, type CozeErrorPolicy } from './error-policy.ts';
export { SseParser, type SseEvent } from './sse-parser.ts';
export { backoffDelayMs } from '@doitcrm/retry';
export type {
  CozeChatInput, CozeChatMessage, CozeChatRef, CozeChatResult, CozeChatState, CozeChatStatus, CozeClient, CozeClientOptions,
  CozeConnectionResult, CozeLogger, CozeResumeOptions, CozeResumeOutcome,
} from './coze-types.ts';
