import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

export interface Tc3Request {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export type Tc3Check = { ok: true; secretId: string } | { ok: false; code: 'AuthFailure.InvalidAuthorization' | 'AuthFailure.SecretIdNotFound' | 'AuthFailure.SignatureFailure' | 'AuthFailure.SignatureExpire' };

/**
 * TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072): the canonical request over the signed
 * headers (names and values lower-cased), the credential scope `date/service/tc3_request`, the signing key derived
 * from `TC3` + SecretKey; timestamps more than five minutes off fail as the real API fails them.
 */
// The scope's service is taken as signed: the SDKs derive it from the endpoint's first label, `sms` for the real
// host and `127` for a fake on 127.0.0.1.
export function verifyTc3(request: Tc3Request, secrets: Readonly<Record<string, string>>, nowMs: number): Tc3Check {
  const authorization = String(request.headers.authorization ?? '');
  const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return { ok: false, code: 'AuthFailure.InvalidAuthorization' };
  const [, secretId, date, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
  const secretKey = secrets[secretId];
  if (secretKey === undefined) return { ok: false, code: 'AuthFailure.SecretIdNotFound' };
  const timestamp = Number(request.headers['x-tc-timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(nowMs / 1000 - timestamp) > 300) return { ok: false, code: 'AuthFailure.SignatureExpire' };
  // the real endpoint has no port, and the SDKs sign the host name without one; a fake on a test port must match them
  const header = (name: string) => (name === 'host' ? String(request.headers.host ?? '').replace(/:\d+$/, '') : String(request.headers[name] ?? ''));
  const canonicalHeaders = signedHeaders.split(';').map((name) => `${name}:${header(name).trim().toLowerCase()}\n`).join('');
  const canonicalRequest = [
    request.method.toUpperCase(), request.path || '/', request.rawQuery, canonicalHeaders, signedHeaders,
    createHash('sha256').update(request.rawBody).digest('hex'),
  ].join('\n');
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  const expected = createHmac('sha256', signingKey).update(toSign).digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return { ok: false, code: 'AuthFailure.SignatureFailure' };
  return { ok: true, secretId };
}
