import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
import { DEFAULT_DISPATCH_SETTINGS } from './domain/dispatch-settings.ts';
import { startDispatchWorkers } from './entry-points/queue/start-dispatch-workers.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => {
  // the settings watcher (hot configuration) replaces the defaults here: workers read `settings()` on every message
  if (context.config.DISPATCH_WORKERS) await startDispatchWorkers(context, { settings: () => DEFAULT_DISPATCH_SETTINGS });
  return createDispatcherApp(context);
});
