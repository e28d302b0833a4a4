import fs from 'node:fs';
import { etlImportJobSchema, type EtlImportJob } from '@doitcrm/types';
import type { ServiceContext } from '@doitcrm/kit';
import type { EtlConfig } from '../../config.ts';
import { importArchive, ImportFileError } from '../../domain/import-archive.ts';

const MAX_ATTEMPTS = 3;

/**
 * The `etl.import` worker. At-least-once delivery means a job may arrive twice: a finished job is acknowledged
 * untouched, and an interrupted one simply runs again (skip mode inserts only what is missing).
 */
export async function startImportConsumer(context: ServiceContext<EtlConfig>): Promise<void> {
  await context.broker.consume<EtlImportJob>({
    queue: 'etl.import',
    prefetch: context.config.IMPORT_WORKERS,
    // attempts are counted on the job row; the broker only dead-letters what cannot even be parsed
    maxAttempts: MAX_ATTEMPTS + 2,
    schema: etlImportJobSchema,
    handle: async (job) => {
      const reporter = context.jobReporter(job.jobId);
      const running = await reporter.start();
      if (!running) return;
      try {
        const summary = await importArchive(
          { filePath: job.filePath, sourceName: job.originalName, conflict: job.conflict, origin: 'upload', jobId: job.jobId, startedBy: job.userId,
            databaseUrl: context.config.DATABASE_URL },
          context,
          (progress) => reporter.progress(progress.bytesRead, progress.bytesTotal,
            `已处理 ${progress.lines} 行：新增 ${progress.counts.inserted}，更新 ${progress.counts.updated}，未变 ${progress.counts.unchanged}，隔离 ${progress.counts.quarantined}`),
        );
        const { run: _run, ...counts } = summary;
        await reporter.succeed(counts, `导入完成：新增 ${summary.inserted}，更新 ${summary.updated}，未变 ${summary.unchanged}，隔离 ${summary.quarantined}`);
        context.metrics.jobs.inc({ type: 'etl.import', status: 'succeeded' });
        await fs.promises.rm(job.filePath, { force: true });
        // announce chat.ingested now rather than at the relay's next tick
        await context.outbox.flush().catch(() => {});
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof ImportFileError || running.attempts >= MAX_ATTEMPTS) {
          await reporter.fail(message);
          context.metrics.jobs.inc({ type: 'etl.import', status: 'failed' });
          await fs.promises.rm(job.filePath, { force: true }).catch(() => {});
          return;
        }
        throw error;
      }
    },
  });
}
