import { runService } from '@doitcrm/kit';
import { createEtlApp } from './app.ts';
import { loadEtlConfig } from './config.ts';
import { startImportConsumer } from './entry-points/queue/import-consumer.ts';

runService('etl', loadEtlConfig, async (context) => {
  if (context.config.IMPORT_WORKERS > 0) await startImportConsumer(context);
  return createEtlApp(context);
});
