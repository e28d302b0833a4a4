import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';
import { isNationalIdKey } from './domain/national-id.ts';

export const rosterConfigShape = {
  ...baseConfigShape,
  ...portShape(5010),
  ROSTER_MAX_UPLOAD_MB: z.coerce.number().min(0.01).max(100).default(5)
    .describe('largest roster/enrolment CSV accepted, in MiB (a 2,000-pupil school file is about 0.2 MiB)'),
  // no default: without it children's ID numbers cannot be stored at all
  ROSTER_ID_NUMBER_KEY: z.string().refine(isNationalIdKey, { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' }).optional()
    .describe('secret that encrypts children\'s ID numbers at rest; without it 保存儿童身份证号 cannot be turned on'),
};

export type RosterConfig = Readonly<z.infer<z.ZodObject<typeof rosterConfigShape>>>;

export function loadRosterConfig(env: NodeJS.ProcessEnv = process.env): RosterConfig {
  return loadConfig(rosterConfigShape, env);
}
