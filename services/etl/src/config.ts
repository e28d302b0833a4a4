import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { DEFAULT_MAX_DECOMPRESSED_MB, DEFAULT_MAX_LINE_KB } from './domain/line-limits.ts';

/** The limits every import reads a file under (the CLI's too): one hostile file must not stall or exhaust the process. */
export const importLimitsShape = {
  // at most 8 MiB: the parse worker's heap is capped (domain/chunk-source.ts) and must hold a batch plus such a line
  // parsed; lines of 8.1 MB (Chinese or ASCII text) load at this maximum, a longer limit would need a larger heap
  MAX_LINE_KB: z.coerce.number().int().min(1).max(8_192).default(DEFAULT_MAX_LINE_KB)
    .describe('longest archive line, in KiB; a longer one is quarantined (line number, length, first 4 KiB) and reading goes on'),
  MAX_DECOMPRESSED_MB: z.coerce.number().int().min(1).max(1_048_576).default(DEFAULT_MAX_DECOMPRESSED_MB)
    .describe('most a .gz archive may decompress to, in MiB; past it the import stops with an error, keeping the lines before'),
};

export const etlConfigShape = {
  ...baseConfigShape,
  ...portShape(5002),
  UPLOAD_DIR: z.string().default(path.join(os.tmpdir(), 'doitcrm-uploads'))
    .describe('where uploaded archives wait for the import worker (shared storage when workers run on other hosts)'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(50_000).default(2_048).describe('largest archive file the page accepts, in MiB'),
  ...importLimitsShape,
  IMPORT_WORKERS: z.coerce.number().int().min(0).max(4).default(1).describe('imports this process runs at once (0: page only, no worker)'),
};

export type EtlConfig = Readonly<z.infer<z.ZodObject<typeof etlConfigShape>>>;

export function loadEtlConfig(env: NodeJS.ProcessEnv = process.env): EtlConfig {
  return loadConfig(etlConfigShape, env);
}
