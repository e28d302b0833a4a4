import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import { chooseEncoding } from './content-encoding.ts';

/**
 * The encodings the page build writes beside each file (`packages/ui/src/vite-precompress.ts`), in the order we
 * prefer them: brotli is ~15–20 % smaller than gzip on our bundles, and every browser that sends `br` decodes it.
 */
const VARIANTS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

type Variant = (typeof VARIANTS)[number];

// Vite puts every file whose name carries a content hash under assets/: a changed file gets a new name, so a
// browser may keep these for a year without asking again (RFC 8246 `immutable`)
const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html (and anything else with a fixed name) is asked for again each time, so a new deploy is picked up at
// once; a 304 answers it when nothing changed
const REVALIDATE = 'no-cache';

/**
 * The file a request path names inside `root`, or undefined when it names nothing there. Decoded once; a `..` or
 * hidden segment, a NUL, a backslash or a `%` left after decoding (a doubly encoded `..`) is refused outright, and
 * the resolved path must still lie inside `root` — so no spelling of a path reaches a file outside the build.
 */
function fileInside(root: string, requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  if (/[\0\\%]/.test(decoded)) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? relative : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(file)).isFile();
  } catch {
    return false;
  }
}

function setRepresentationHeaders(res: Response, relative: string, variant: Variant | undefined, hasVariants: boolean): void {
  // the type of what the bytes decode to, not of the .br/.gz file that holds them
  res.type(path.extname(relative));
  if (variant) res.setHeader('Content-Encoding', variant.encoding);
  // a shared cache must not hand brotli to a client that did not ask for it
  if (hasVariants) res.vary('Accept-Encoding');
  res.setHeader('Cache-Control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
}

/**
 * Serves a built page: `/` is index.html, other paths the files of the build, each as the brotli or gzip file the
 * build wrote beside it when the client accepts one. Ranges, HEAD, ETag and conditional requests are `send`'s (through
 * res.sendFile); they apply to the representation sent, as RFC 9110 §14 defines. Anything else falls through (404).
 * Precompressed files are never named directly: `/assets/x.js.br` is not a page file.
 */
export function servePage(webDir: string): RequestHandler {
  const root = path.resolve(webDir);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const relative = fileInside(root, req.path);
    if (!relative || VARIANTS.some((variant) => relative.endsWith(variant.suffix))) {
      next();
      return;
    }
    void (async () => {
      const file = path.join(root, relative);
      const [exists, ...present] = await Promise.all([isFile(file), ...VARIANTS.map((variant) => isFile(file + variant.suffix))]);
      if (!exists) {
        next();
        return;
      }
      const available = VARIANTS.filter((_, index) => present[index]);
      const encoding = chooseEncoding(req.get('accept-encoding'), available.map((option) => option.encoding));
      const variant = available.find((option) => option.encoding === encoding);
      setRepresentationHeaders(res, relative, variant, available.length > 0);
      // encoded again segment by segment: send decodes the path it is given, and a file name is not a URL
      const sent = (relative + (variant?.suffix ?? '')).split('/').map(encodeURIComponent).join('/');
      res.sendFile(sent, { root, dotfiles: 'deny', cacheControl: false }, (error?: Error & { status?: number }) => {
        if (!error || res.headersSent) return;
        // the answer that follows has no body of the file: neither compressed nor cacheable
        for (const header of ['Content-Type', 'Content-Encoding', 'Cache-Control', 'Vary']) res.removeHeader(header);
        // a range past the end, or a failed If-Match: send has set Content-Range for a 416 and leaves the answer to us
        if (error.status === 412 || error.status === 416) {
          res.status(error.status).end();
          return;
        }
        // a file removed between the check and the send (a rebuild) is simply not there
        if (error.status !== undefined && error.status < 500) next();
        else next(error);
      });
    })().catch(next);
  };
}
