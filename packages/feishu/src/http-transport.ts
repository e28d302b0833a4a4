import { FeishuError } from './feishu-error.ts';
import { TRANSPORT_POLICY } from './error-policy.ts';
import { envelopeShape } from './wire-schemas.ts';

export interface FeishuRequest {
  /** the call counter's name of the API, e.g. `records_search` */
  endpoint: string;
  method: 'GET' | 'POST';
  /** below `/open-apis/`, e.g. `bitable/v1/apps/…/records/search` */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** One answer of Feishu with a JSON envelope, whatever its HTTP status. */
export interface FeishuAnswer {
  status: number;
  code: number;
  msg: string;
  data: unknown;
  /** the whole parsed body (the token endpoint answers at the top level) */
  body: Record<string, unknown>;
  logId: string | null;
  /** `x-ogw-ratelimit-reset`: seconds until the rate window reopens (429 answers) */
  rateLimitResetSeconds: number | null;
}

export interface HttpTransportOptions {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * One HTTP exchange: Bearer token in the header, JSON both ways (§2.1). Any answer with a JSON envelope is returned,
 * whatever its status, so the error policy sees Feishu's code; a network failure, timeout or non-JSON answer is a
 * retryable `FeishuError` of kind `server` (`code: null`). The token never appears in an error.
 */
export async function sendFeishuRequest(options: HttpTransportOptions, request: FeishuRequest, token?: string): Promise<FeishuAnswer> {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const url = new URL(`open-apis/${request.path}`, base);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: request.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(request.method === 'POST' ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      },
      body: request.method === 'POST' ? JSON.stringify(request.body ?? {}) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new FeishuError({
      ...TRANSPORT_POLICY, kind: timedOut ? 'timeout' : 'server', code: null, endpoint: request.endpoint, retryable: true, cause: error,
      hint: timedOut
        ? `飞书在 ${options.timeoutMs} ms 内没有应答 (no answer from Feishu within ${options.timeoutMs} ms)`
        : `与飞书 ${options.baseUrl} 的连接失败：检查网络与 FEISHU_BASE_URL (could not reach Feishu: ${describe(error)})`,
    });
  }
  const logId = response.headers.get('x-tt-logid');
  const text = await response.text().catch(() => '');
  const parsed = envelopeShape.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new FeishuError({
      ...TRANSPORT_POLICY, code: null, httpStatus: response.status, endpoint: request.endpoint, logId,
      retryable: response.status >= 500 || response.status === 429,
      hint: `飞书返回的不是 JSON 应答（HTTP ${response.status}）：检查 FEISHU_BASE_URL (the answer is not a Feishu JSON envelope)`,
    });
  }
  const reset = Number(response.headers.get('x-ogw-ratelimit-reset'));
  return {
    status: response.status,
    code: parsed.data.code,
    msg: parsed.data.msg,
    data: parsed.data.data,
    body: safeJson(text) as Record<string, unknown>,
    logId: logId ?? parsed.data.error?.log_id ?? null,
    rateLimitResetSeconds: response.headers.has('x-ogw-ratelimit-reset') && Number.isFinite(reset) && reset >= 0 ? reset : null,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`;
  return String(error);
}
