import { CozeError } from './coze-error.ts';
import { cozeErrorPolicy, SERVER_POLICY, TIMEOUT_POLICY } from './error-policy.ts';
import { IdleWatch } from './idle-watch.ts';
import { envelopeShape } from './wire-schemas.ts';

export interface CozeTransport {
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  idleTimeoutMs: number;
}

export interface CozeRequest {
  method: 'GET' | 'POST';
  /** e.g. `/v3/chat` */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/** A response whose headers have arrived; its body is still to be read under the same idle watch. */
export interface OpenedResponse {
  response: Response;
  logId: string | null;
  watch: IdleWatch;
}

/**
 * Sends one request. Connection failures and the idle timeout become `CozeError`s (retryable); the caller's
 * own abort is rethrown as its abort reason. The token goes only into the Authorization header.
 */
export async function openCozeRequest(transport: CozeTransport, request: CozeRequest, signal: AbortSignal | undefined): Promise<OpenedResponse> {
  signal?.throwIfAborted();
  const url = new URL(request.path.replace(/^\//, ''), transport.baseUrl.endsWith('/') ? transport.baseUrl : `${transport.baseUrl}/`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const watch = new IdleWatch(transport.idleTimeoutMs, signal);
  try {
    const response = await transport.fetch(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${transport.token}`,
        accept: request.method === 'POST' ? 'text/event-stream, application/json' : 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: watch.signal,
    });
    watch.touch();
    return { response, logId: response.headers.get('x-tt-logid'), watch };
  } catch (error) {
    watch.stop();
    throw transportFailure(error, watch, null, transport.baseUrl);
  }
}

/** Turns what went wrong while sending or reading into a `CozeError`, or rethrows the caller's abort. */
export function transportFailure(error: unknown, watch: IdleWatch, logId: string | null, baseUrl: string): unknown {
  if (watch.callerAborted) return watch.signal.reason;
  if (error instanceof CozeError) return error;
  if (watch.timedOut) {
    return new CozeError({
      ...TIMEOUT_POLICY, code: null, logId, cause: error,
      hint: `扣子在 ${Math.round(watch.timeoutMs / 1000)} 秒内没有返回任何数据 (no data from Coze for ${watch.timeoutMs} ms)`,
    });
  }
  return new CozeError({
    ...SERVER_POLICY, code: null, logId, cause: error,
    hint: `与扣子 API ${baseUrl} 的连接失败或中断：检查网络、代理与 COZE_BASE_URL (the connection to the Coze API failed or dropped: ${describe(error)})`,
  });
}

/** The error a non-success answer stands for: the envelope's code when it has one, else the HTTP status. */
export async function failureFromAnswer(opened: OpenedResponse, baseUrl: string): Promise<CozeError> {
  const { response, logId, watch } = opened;
  let text = '';
  try {
    text = await response.text();
  } catch (error) {
    const failure = transportFailure(error, watch, logId, baseUrl);
    if (failure instanceof CozeError) return failure;
    throw failure;
  } finally {
    watch.stop();
  }
  const envelope = envelopeShape.safeParse(safeJson(text));
  const code = envelope.success && envelope.data.code > 0 ? envelope.data.code : null;
  const httpStatus = response.status === 200 ? null : response.status;
  if (code === null && httpStatus === null) {
    return new CozeError({
      ...SERVER_POLICY, retryable: false, code: null, httpStatus: 200, logId,
      hint: `扣子没有以事件流回答 (the service at ${baseUrl} answered ${response.headers.get('content-type') ?? 'without a content type'}, not an event stream)`,
    });
  }
  const policy = cozeErrorPolicy(code, httpStatus);
  return new CozeError({
    ...policy, code: code ?? response.status, httpStatus: response.status,
    cozeMessage: envelope.success ? envelope.data.msg : undefined,
    logId: logId ?? (envelope.success ? envelope.data.detail?.logid ?? null : null),
  });
}

/** Reads a JSON envelope answer; returns `data` when `code` is 0, throws the matching `CozeError` otherwise. */
export async function readEnvelope(opened: OpenedResponse, baseUrl: string): Promise<unknown> {
  const { response, logId, watch } = opened;
  if (response.status !== 200) throw await failureFromAnswer(opened, baseUrl);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transportFailure(error, watch, logId, baseUrl);
  } finally {
    watch.stop();
  }
  const envelope = envelopeShape.safeParse(safeJson(text));
  if (!envelope.success) {
    throw new CozeError({ ...SERVER_POLICY, retryable: false, code: null, httpStatus: 200, logId, hint: `地址上的服务不像扣子 API (the service at ${baseUrl} does not answer like Coze)` });
  }
  if (envelope.data.code > 0) {
    const policy = cozeErrorPolicy(envelope.data.code, null);
    throw new CozeError({ ...policy, code: envelope.data.code, httpStatus: 200, cozeMessage: envelope.data.msg, logId });
  }
  return envelope.data.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
