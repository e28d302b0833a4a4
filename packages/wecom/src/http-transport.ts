import { WecomTransportError } from './wecom-error.ts';

export interface WecomRequest {
  /** path below `/cgi-bin/`, e.g. `externalcontact/get` */
  endpoint: string;
  method: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** A WeCom answer: always carries `errcode` (0 = ok), whatever else it holds. */
export interface WecomAnswer {
  errcode: number;
  errmsg: string;
  [field: string]: unknown;
}

export interface HttpTransportOptions {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * One HTTP exchange with WeCom, nothing more: the access token goes in the query string (WeCom ignores it in
 * a body), business errors are HTTP 200 with `errcode`, so anything but a 200 JSON object with a numeric
 * `errcode` is a transport failure. Secrets and tokens never appear in the errors thrown here.
 */
export async function sendWecomRequest(options: HttpTransportOptions, request: WecomRequest, accessToken?: string): Promise<WecomAnswer> {
  const url = new URL(`cgi-bin/${request.endpoint}`, withTrailingSlash(options.baseUrl));
  if (accessToken !== undefined) url.searchParams.set('access_token', accessToken);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: request.method,
      headers: request.method === 'POST' ? { 'content-type': 'application/json' } : undefined,
      body: request.method === 'POST' ? JSON.stringify(request.body ?? {}) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new WecomTransportError(timedOut ? 'timeout' : 'network', request.endpoint,
      timedOut ? `no answer within ${options.timeoutMs} ms` : `request failed: ${describe(error)}`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new WecomTransportError('http_status', request.endpoint, `HTTP ${response.status}`, { status: response.status });
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch (error) {
    throw new WecomTransportError('bad_body', request.endpoint, 'answer is not JSON', { cause: error });
  }
  if (!isAnswer(parsed)) throw new WecomTransportError('bad_body', request.endpoint, 'answer has no numeric errcode');
  return parsed;
}

function isAnswer(value: unknown): value is WecomAnswer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.errcode !== 'number') return false;
  if (typeof record.errmsg !== 'string') record.errmsg = '';
  return true;
}

function withTrailingSlash(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
