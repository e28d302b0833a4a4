import type { CozeEndpoint, CozeInjectionKind } from './coze-injection.ts';

/** One request the fake received and what it answered (filled in as the answer goes out). */
export interface CozeRecordedRequest {
  endpoint: CozeEndpoint | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** the parsed JSON body, as sent */
  body: unknown;
  /** whether the Authorization header carried the fake's token (the token itself is not kept) */
  authorized: boolean;
  /** fake-clock milliseconds */
  at: number;
  /** HTTP status; 0 until answered */
  status: number;
  /** Coze code of the answer: 0 for success and streams */
  code: number;
  /** the injection that fired for this request */
  injected: CozeInjectionKind | null;
}
