import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 3986 encoding as Aliyun's signature docs define it (space → %20, `*` → %2A, `~` kept). */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * RPC signature v1 (https://help.aliyun.com/document_detail/315526.html): HMAC-SHA1 with `secret&` over
 * `METHOD&%2F&encode(sorted k=v&…)` of every parameter except `Signature`.
 */
export function verifyRpcV1(method: string, params: Record<string, string>, secret: string): boolean {
  const signature = params.Signature;
  if (!signature) return false;
  const canonical = Object.keys(params).filter((k) => k !== 'Signature').sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`).join('&');
  const toSign = `${method.toUpperCase()}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  const expected = createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
  return sameText(expected, signature);
}

export interface Acs3Request {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** The access key id an `ACS3-HMAC-SHA256 Credential=…` header names, or null. */
export function acs3KeyId(authorization: string | undefined): string | null {
  return /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? null;
}

/**
 * V3 signature (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature), what the
 * current official SDKs send: hex HMAC-SHA256 over `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
 */
export function verifyAcs3(request: Acs3Request, secret: string): boolean {
  const authorization = String(request.headers.authorization ?? '');
  const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1];
  const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
  if (!signedHeaders || !signature) return false;
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`).join('');
  const canonicalQuery = Object.keys(request.query).sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(request.query[k] ?? '')}`).join('&');
  const payloadHash = createHash('sha256').update(request.rawBody).digest('hex');
  if (request.headers['x-acs-content-sha256'] !== undefined && request.headers['x-acs-content-sha256'] !== payloadHash) return false;
  const canonicalRequest = [request.method.toUpperCase(), request.path || '/', canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  return sameText(createHmac('sha256', secret).update(toSign).digest('hex'), signature);
}
