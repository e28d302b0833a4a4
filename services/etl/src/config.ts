import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const etlConfigShape = {
  ...baseConfigShape,
  ...portShape(5002),
  UPLOAD_DIR: z.string().default(path.join(os.tmpdir(), 'doitcrm-uploads'))
    .describe('where uploaded archives wait for the import worker (shared storage when workers run on other hosts)'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(50_000).default(2_048).describe('largest archive file the page accepts, in MiB'),
  IMPORT_WORKERS: z.coerce.number().int().min(0).max(4).default(1).describe('imports this process runs at once (0: page only, no worker)'),
};

export type EtlConfig = Readonly<z.infer<z.ZodObject<typeof etlConfigShape>>>;

export function loadEtlConfig(env: NodeJS.ProcessEnv = process.env): EtlConfig {
  return loadConfig(etlConfigShape, env);
}
