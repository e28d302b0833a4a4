import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
import { DEFAULT_DISPATCH_SETTINGS } from './domain/dispatch-settings.ts';
import { startAlertConsumer } from './entry-points/queue/alert-raised-consumer.ts';
import { startDispatchSchedules } from './entry-points/schedules.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => {
  // the hot configuration: the settings watcher's current() once it is wired in; the documented defaults until then
  const settings = () => DEFAULT_DISPATCH_SETTINGS;
  await startAlertConsumer(context, settings);
  startDispatchSchedules(context, settings);
  return createDispatcherApp(context);
});
