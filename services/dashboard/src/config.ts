import { z } from 'zod';
import { baseConfigShape, loadConfig, nextRunOf, portShape } from '@doitcrm/kit';

export const dashboardConfigShape = {
  ...baseConfigShape,
  ...portShape(5011),
  ALERT_EVALUATION_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15)
    .describe('how often alerts are re-evaluated without new data (silence grows with time alone)'),
  ALERT_EVALUATION_CRON: z.string().trim().min(1).optional()
    .refine((cron) => cron === undefined || parsesAsCron(cron), 'not a cron expression (five fields, or six with seconds)')
    .describe('when alerts are re-evaluated, as a cron expression in DISPLAY_TIMEZONE (e.g. "*/10 8-22 * * *"); replaces ALERT_EVALUATION_MINUTES when set'),
  MESSAGES_PORT: z.coerce.number().int().min(1).max(65535).optional()
    .describe('port of the messages page that alerts link to; default the suite port of the messages service'),
};

function parsesAsCron(cron: string): boolean {
  try {
    nextRunOf({ cron });
    return true;
  } catch {
    return false;
  }
}

export type DashboardConfig = Readonly<z.infer<z.ZodObject<typeof dashboardConfigShape>>>;

export function loadDashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  return loadConfig(dashboardConfigShape, env);
}
