import { runService } from '@doitcrm/kit';
import { createDashboardApp } from './app.ts';
import { loadDashboardConfig } from './config.ts';
import { startRollupConsumers } from './entry-points/queue/rollup-consumers.ts';
import { startSchedule } from './entry-points/schedule.ts';

runService('dashboard', loadDashboardConfig, async (context) => {
  await startRollupConsumers(context);
  startSchedule(context);
  return createDashboardApp(context);
});
