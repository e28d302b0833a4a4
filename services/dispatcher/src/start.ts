import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
import { createSettingsWatcher } from './domain/settings-watcher.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => {
  // the hot configuration every part of this process reads: workers take `() => settings.current()`
  const settings = createSettingsWatcher({ pool: context.pool, logger: context.logger });
  await settings.start();
  context.shutdown.add('settings watcher', () => settings.stop());
  return createDispatcherApp(context);
});
