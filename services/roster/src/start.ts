import { runService } from '@doitcrm/kit';
import { createRosterApp, nationalIdCipherOf } from './app.ts';
import { loadRosterConfig } from './config.ts';
import { reconcileNationalIds } from './domain/national-id-startup.ts';

runService('roster', loadRosterConfig, async (context) => {
  const { encrypted, purged } = await reconcileNationalIds(context.pool, nationalIdCipherOf(context.config));
  if (encrypted + purged > 0) context.logger.info({ encrypted, purged }, 'children\'s ID numbers left by an earlier version: encrypted or deleted');
  return createRosterApp(context);
});
