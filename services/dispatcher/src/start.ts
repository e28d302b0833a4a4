import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
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
  return createDispatcherApp(context, { queued: () => relay.nudge() });
});
