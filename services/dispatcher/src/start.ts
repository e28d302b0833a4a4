import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
import { DEFAULT_DISPATCH_SETTINGS } from './domain/dispatch-settings.ts';
import { startDispatchWorkers } from './entry-points/queue/start-dispatch-workers.ts';
import { createDuePoller } from './queue/due-poller.ts';
import { DispatchOutboxRelay } from './queue/outbox-relay.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => {
  const { pool, broker, logger, shutdown } = context;
  // stopped in reverse: the poller and relay finish their pass before RabbitMQ and PostgreSQL close
  const relay = new DispatchOutboxRelay({ pool, broker, logger });
  await relay.start();
  shutdown.add('dispatch outbox relay', () => relay.stop());
  const poller = createDuePoller({ pool, logger, released: () => relay.nudge() });
  poller.start();
  shutdown.add('dispatch due poller', () => poller.stop());
  // the settings watcher (hot configuration) replaces the defaults here: workers read `settings()` on every message
  if (context.config.DISPATCH_WORKERS) await startDispatchWorkers(context, { settings: () => DEFAULT_DISPATCH_SETTINGS });
  return createDispatcherApp(context, { queued: () => relay.nudge() });
});
