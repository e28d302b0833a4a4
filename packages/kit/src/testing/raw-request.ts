import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the bytes on the wire, not decoded */
  body: Buffer;
}

/**
 * One request with the path sent exactly as written (no `..` resolved, no re-encoding) and the body as the bytes on
 * the wire. supertest and fetch would normalise an attacker's path and decode brotli and gzip themselves, hiding what
 * the server really sent.
 */
export function rawRequest(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/`, { path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}
