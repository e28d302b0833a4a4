import { createServiceContext, listen, runMain } from '@doitcrm/kit';
import { createEtlApp } from './app.ts';
import { loadEtlConfig } from './config.ts';
import { startImportConsumer } from './entry-points/queue/import-consumer.ts';

runMain('etl', async () => {
  const config = loadEtlConfig();
  const context = await createServiceContext('etl', config);
  context.shutdown.installProcessHooks();
  if (config.IMPORT_WORKERS > 0) await startImportConsumer(context);
  context.outbox.start();
  await listen(context, createEtlApp(context), config.PORT);
});
