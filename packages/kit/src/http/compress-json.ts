import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { RequestHandler, Response } from 'express';
import { chooseEncoding } from './content-encoding.ts';

// below about one network packet, compressing saves no round trip and costs the CPU
const MIN_BYTES = 1024;

// quality 4 of 11: within a few per cent of the best size on JSON at a small fraction of the time (a 30 kB answer
// takes well under a millisecond), and it runs on libuv's thread pool, not on the event loop
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const ENCODERS = {
  br: (body: Buffer) => brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  gzip: (body: Buffer) => gzip(body, { level: 6 }),
} as const;
const ENCODINGS = Object.keys(ENCODERS) as Array<keyof typeof ENCODERS>;

function isJson(res: Response): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(String(res.getHeader('Content-Type') ?? ''));
}

/**
 * Compresses the JSON answers `res.json` sends (brotli or gzip, as the client accepts): a page's first screen waits
 * for its data calls, and a list of 50 mappings or a school's class statistics (25–35 kB as JSON) shrink to a sixth.
 * Only whole JSON bodies: streams (job progress over SSE, CSV exports) write as they go and are left alone, as are
 * the page's files, which the build compressed already. The answers hold no secret beside text a request chose
 * (sessions travel in cookies, cross-site writes are refused by origin), so compression leaks nothing (BREACH).
 */
export const compressJsonAnswers: RequestHandler = (req, res, next) => {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (typeof body !== 'string' || Buffer.byteLength(body) < MIN_BYTES || !isJson(res) || res.getHeader('Content-Encoding')) {
      return send(body);
    }
    const text = body;
    // a shared cache must not hand brotli to a client that did not ask for it, nor plain JSON to every one that did
    res.vary('Accept-Encoding');
    const encoding = chooseEncoding(req.get('accept-encoding'), ENCODINGS);
    if (!encoding) return send(text);
    ENCODERS[encoding](Buffer.from(text)).then(
      (compressed) => {
        res.setHeader('Content-Encoding', encoding);
        send(compressed);
      },
      () => send(text),
    );
    return res;
  };
  next();
};
