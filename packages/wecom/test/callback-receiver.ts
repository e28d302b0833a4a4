import { createServer, type IncomingMessage, type Server } from 'node:http';
import { onTestFinished } from 'vitest';
import { verifyCallback, type CallbackVerification } from '../src/index.ts';

export const RECEIVER_TOKEN = 'receiverToken01';
/** a throwaway 43-character key of these tests */
export const RECEIVER_AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aQ';

export interface ReceivedCallback {
  method: string;
  query: Record<string, string>;
  body: string;
  verification: CallbackVerification;
}

/**
 * A stand-in for the contacts service's callback route: it verifies every request with `verifyCallback` and answers
 * with the next status of `answers` (the last one repeats); `stall` holds requests without answering.
 */
export async function startReceiver(options: { corpId: string; answers?: number[]; stall?: boolean; token?: string }) {
  const received: ReceivedCallback[] = [];
  const answers = options.answers ?? [200];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const query = Object.fromEntries(url.searchParams);
      const verification = verifyCallback({
        token: options.token ?? RECEIVER_TOKEN, encodingAesKey: RECEIVER_AES_KEY, receiveId: options.corpId, query,
        ...(req.method === 'POST' ? { body } : {}), now: Date.now(), windowSeconds: 300,
      });
      received.push({ method: req.method ?? '', query, body, verification });
      if (options.stall) return;
      const status = answers[Math.min(received.length - 1, answers.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(req.method === 'GET' && verification.ok ? verification.plaintext : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/wecom/callback`;
  onTestFinished(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url, received };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
