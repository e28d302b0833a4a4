import { ChannelError, retryAfterHeader } from './channel-error.ts';
import type { ChannelName } from './channel-types.ts';

export interface HttpAnswer {
  status: number;
  /** fetch's Headers, or requestHttp's view of node's headers */
  headers: { get(name: string): string | null };
  text: string;
  /** the body as JSON, or null when it is not JSON */
  json: unknown;
}

/** Errors that happen before a request can reach the provider: a retry cannot duplicate anything. */
export const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One provider call with a deadline covering the answer's body too. A timeout or a connection lost mid-request is a
 * transient, *ambiguous* error: the provider may have sent the message.
 */
export async function callHttp(channel: ChannelName, url: string, init: RequestInit, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<HttpAnswer> {
  try {
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new ChannelError({ channel, kind: 'transient', code: 'timeout', message: `no answer within ${timeoutMs} ms`, ambiguous: true, cause: error });
    }
    const code = ((error as { cause?: { code?: string } }).cause?.code) ?? 'network';
    throw new ChannelError({ channel, kind: 'transient', code, message: (error as Error).message, ambiguous: !BEFORE_SENDING.has(code), cause: error });
  }
}

/** An HTTP status the provider answered outside its JSON contract (a gateway's 502, a 429). */
export function httpStatusError(channel: ChannelName, answer: HttpAnswer): ChannelError {
  const retryAfterMs = retryAfterHeader(answer.headers.get('retry-after'));
  if (answer.status === 429) return new ChannelError({ channel, kind: 'rate-limited', code: '429', message: 'HTTP 429', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  if (answer.status >= 500 || answer.status === 408) {
    return new ChannelError({ channel, kind: 'transient', code: String(answer.status), message: `HTTP ${answer.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  return new ChannelError({ channel, kind: 'permanent', code: String(answer.status), message: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` });
}
