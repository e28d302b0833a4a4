import { createServiceContext, listen, runMain } from '@doitcrm/kit';
import { createRosterApp } from './app.ts';
import { loadRosterConfig } from './config.ts';

runMain('roster', async () => {
  const config = loadRosterConfig();
  const context = await createServiceContext('roster', config);
  context.shutdown.installProcessHooks();
  context.outbox.start();
  await listen(context, createRosterApp(context), config.PORT);
});
