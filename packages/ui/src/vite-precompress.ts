import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text formats compress 3–5×; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|svg|html|json|txt|map)$/;
// below about one packet, the saving does not pay for the browser's decoding and the extra file
const MIN_BYTES = 1024;

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the build, so the service sends compressed bytes
 * without compressing on each request (`packages/kit/src/http/static-page.ts` picks one by Accept-Encoding).
 * Compressing once allows the slowest, smallest settings: brotli quality 11 and gzip level 9. A variant that would not
 * be smaller is not written.
 */
export function precompressAssets(): Plugin {
  return {
    name: 'doitcrm-precompress',
    apply: 'build',
    writeBundle: {
      order: 'post',
      sequential: true,
      async handler(options, bundle) {
        const outDir = options.dir ?? path.dirname(options.file ?? '');
        const files = Object.keys(bundle).filter((fileName) => COMPRESSIBLE.test(fileName));
        await Promise.all(files.map((fileName) => writeVariants(path.join(outDir, fileName))));
      },
    },
  };
}

async function writeVariants(file: string): Promise<void> {
  const content = await fs.readFile(file);
  if (content.length < MIN_BYTES) return;
  const [br, gz] = await Promise.all([
    brotli(content, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
    gzip(content, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  if (br.length < content.length) await fs.writeFile(`${file}.br`, br);
  if (gz.length < content.length) await fs.writeFile(`${file}.gz`, gz);
}
