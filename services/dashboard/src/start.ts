import { createServiceContext, listen, runMain } from '@doitcrm/kit';
import { createDashboardApp } from './app.ts';
import { loadDashboardConfig } from './config.ts';
import { startRollupConsumers } from './entry-points/queue/rollup-consumers.ts';
import { startSchedule } from './entry-points/schedule.ts';

runMain('dashboard', async () => {
  const config = loadDashboardConfig();
  const context = await createServiceContext('dashboard', config);
  context.shutdown.installProcessHooks();
  await startRollupConsumers(context);
  context.outbox.start();
  startSchedule(context);
  await listen(context, createDashboardApp(context), config.PORT);
});
