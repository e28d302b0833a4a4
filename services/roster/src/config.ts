import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const rosterConfigShape = {
  ...baseConfigShape,
  ...portShape(5010),
  ROSTER_MAX_UPLOAD_MB: z.coerce.number().min(0.01).max(100).default(5)
    .describe('largest roster/enrolment CSV accepted, in MiB (a 2,000-pupil school file is about 0.2 MiB)'),
};

export type RosterConfig = Readonly<z.infer<z.ZodObject<typeof rosterConfigShape>>>;

export function loadRosterConfig(env: NodeJS.ProcessEnv = process.env): RosterConfig {
  return loadConfig(rosterConfigShape, env);
}
