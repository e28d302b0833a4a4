import { z } from 'zod';
import { baseConfigShape, loadConfig, portShape } from '@doitcrm/kit';

export const dashboardConfigShape = {
  ...baseConfigShape,
  ...portShape(5011),
  ALERT_EVALUATION_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15)
    .describe('how often alerts are re-evaluated without new data (silence grows with time alone)'),
  MESSAGES_PORT: z.coerce.number().int().min(1).max(65535).optional()
    .describe('port of the messages page that alerts link to; default the suite port of the messages service'),
};

export type DashboardConfig = Readonly<z.infer<z.ZodObject<typeof dashboardConfigShape>>>;

export function loadDashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  return loadConfig(dashboardConfigShape, env);
}
