/// <reference lib="dom" />
// The DOM lib is referenced here because the repo-wide tsconfig (Node only) also type-checks this folder.

/** One detail of a failure, as the server's error handler sends it. */
export interface ErrorDetail {
  field?: string;
  file?: string;
  line?: number;
  message: string;
}

/** The one error body every service answers with. */
export interface ErrorBody {
  id: string;
  name: string;
  message: string;
  details?: ErrorDetail[];
}

/** What went wrong with a call; `status` 0 means the server was not reached at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody | null;

  constructor(status: number, body: ErrorBody | null, fallbackMessage: string) {
    super(body?.message || fallbackMessage);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  get details(): ErrorDetail[] {
    return this.body?.details ?? [];
  }

  /** The request id the server logged, to quote when reporting a problem. */
  get requestId(): string | undefined {
    return this.body?.id;
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called on any 401 (except calls that expect one, like the login itself); the shell uses it to show the login. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, or as-is when it is FormData. */
  body?: unknown;
  /** Appended to the path; null/undefined values are left out. */
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** A 401 is an expected answer (login, "who am I") and must not switch the page to the login view. */
  expectUnauthorized?: boolean;
}

export function withQuery(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

function fallbackMessage(status: number): string {
  if (status === 401) return '请先登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 413) return '文件或请求体过大';
  if (status === 429) return '操作太频繁，请稍后再试';
  if (status >= 500) return `服务暂时不可用（${status}）`;
  return `请求失败（${status}）`;
}

/** Accepts the server's error body only when it has the documented shape; proxies may answer with HTML. */
function asErrorBody(value: unknown): ErrorBody | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<ErrorBody>;
  if (typeof candidate.message !== 'string') return null;
  return {
    id: typeof candidate.id === 'string' ? candidate.id : '',
    name: typeof candidate.name === 'string' ? candidate.name : 'Error',
    message: candidate.message,
    ...(Array.isArray(candidate.details) ? { details: candidate.details } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function failure(status: number, text: string, expectUnauthorized: boolean): ApiError {
  if (status === 401 && !expectUnauthorized) unauthorizedListeners.forEach((listener) => listener());
  return new ApiError(status, asErrorBody(parseJson(text)), fallbackMessage(status));
}

/** Calls the service's own API with the session cookie; resolves with the parsed JSON (undefined for 204). */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null, '无法连接服务器，请检查网络后重试');
  }
  const text = await response.text();
  if (!response.ok) throw failure(response.status, text, options.expectUnauthorized ?? false);
  return (text ? parseJson(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => apiRequest<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PATCH', body }),
  delete: <T>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * POSTs a multipart form with XMLHttpRequest, because fetch cannot report how many bytes have been sent yet.
 * Fails with the same ApiError as `apiRequest`.
 */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = false; // same-origin requests carry the cookie anyway
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve((xhr.responseText ? parseJson(xhr.responseText) : undefined) as T);
      else reject(failure(xhr.status, xhr.responseText, false));
    };
    xhr.onerror = () => reject(new ApiError(0, null, '上传中断：无法连接服务器，请检查网络后重试'));
    xhr.onabort = () => reject(new DOMException('上传已取消', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** A message fit to show a user, for any error a call may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
