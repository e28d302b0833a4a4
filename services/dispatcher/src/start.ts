import { runService } from '@doitcrm/kit';
import { createDispatcherApp } from './app.ts';
import { loadDispatcherConfig } from './config.ts';
import { createSettingsWatcher } from './domain/settings-watcher.ts';
import { startDispatchWorkers } from './entry-points/queue/start-dispatch-workers.ts';
import { startAlertConsumer } from './entry-points/queue/alert-raised-consumer.ts';
import { startContactPhonesConsumer } from './entry-points/queue/contact-phones-consumer.ts';
import { startDispatchSchedules } from './entry-points/schedules.ts';
import { createDuePoller } from './queue/due-poller.ts';
import { DispatchOutboxRelay } from './queue/outbox-relay.ts';
import { createReceiptSettler } from './queue/receipt-settler.ts';

runService('dispatcher', loadDispatcherConfig, async (context) => {
  const { pool, broker, logger, shutdown } = context;
  // the hot configuration every part of this process reads: workers take `() => settings.current()`
  const settings = createSettingsWatcher({ pool, logger });
  await settings.start();
  shutdown.add('settings watcher', () => settings.stop());
  // stopped in reverse: the poller and relay finish their pass before RabbitMQ and PostgreSQL close
  const relay = new DispatchOutboxRelay({ pool, broker, logger });
  await relay.start();
  shutdown.add('dispatch outbox relay', () => relay.stop());
  const poller = createDuePoller({ pool, logger, released: () => relay.nudge() });
  poller.start();
  shutdown.add('dispatch due poller', () => poller.stop());
  // receipts that overtook their send record wait in PostgreSQL until it lands (off with the receipts themselves)
  if (context.config.DISPATCH_RECEIPT_TOKEN) {
    const settler = createReceiptSettler({ pool, logger, registry: context.metrics.registry });
    settler.start();
    shutdown.add('dispatch receipt settler', () => settler.stop());
  }
  // the channel workers (DISPATCH_WORKERS=false runs the API, relay and schedules only); a fallback message they
  // write is published by the relay's next pass
  if (context.config.DISPATCH_WORKERS) await startDispatchWorkers(context, { settings: () => settings.current() });
  await startAlertConsumer(context, () => settings.current());
  await startContactPhonesConsumer(context);
  startDispatchSchedules(context, () => settings.current());
  return createDispatcherApp(context, { settings: () => settings.current(), queued: () => relay.nudge() });
});
