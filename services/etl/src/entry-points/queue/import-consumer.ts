import fs from 'node:fs';
import { jobPayloadSchemas, type EtlImportJob } from '@doitcrm/types';
import { consumeJob, type ServiceContext } from '@doitcrm/kit';
import type { EtlConfig } from '../../config.ts';
import { importArchive, ImportFileError } from '../../domain/import-archive.ts';
import { lineLimits } from '../../domain/line-limits.ts';
import { confinedUpload } from './queued-upload.ts';

const QUEUE = 'etl.import';
const MAX_ATTEMPTS = 3;

/**
 * The `etl.import` worker. At-least-once delivery means a job may arrive twice: a finished job is acknowledged
 * untouched, and an interrupted one simply runs again (skip mode inserts only what is missing). One run per job
 * across processes: a message redelivered while its first worker still runs (RabbitMQ's consumer timeout, a channel
 * reopened) waits for it (consumeJob's lock), then finds the job finished, or resumes it if that worker died.
 */
export async function startImportConsumer(context: ServiceContext<EtlConfig>): Promise<void> {
  await consumeJob<EtlImportJob>(context, {
    queue: QUEUE,
    schema: jobPayloadSchemas[QUEUE],
    prefetch: context.config.IMPORT_WORKERS,
    maxAttempts: MAX_ATTEMPTS,
    // every earlier delivery stopped mid-run without failing the job: its process died (killed, out of memory), and
    // the next run of the same file would most likely die the same way, taking the page down with it again
    maxCrashes: MAX_ATTEMPTS,
    // the file itself is the problem (a bomb, corrupt gzip, a refused path): the same file fails the same way
    isFinal: (error) => error instanceof ImportFileError,
    onFailed: (job) => removeUpload(context.config.UPLOAD_DIR, job),
    handler: async (job, { reporter }) => {
      const filePath = await confinedUpload(context.config.UPLOAD_DIR, job.filePath);
      const summary = await importArchive(
        { filePath, sourceName: job.originalName, conflict: job.conflict, origin: 'upload', jobId: job.jobId, startedBy: job.userId,
          databaseUrl: context.config.DATABASE_URL, limits: lineLimits(context.config) },
        context,
        (progress) => reporter.progress(progress.bytesRead, progress.bytesTotal,
          `已处理 ${progress.lines} 行：新增 ${progress.counts.inserted}，更新 ${progress.counts.updated}，未变 ${progress.counts.unchanged}，隔离 ${progress.counts.quarantined}`),
      );
      const { run: _run, ...counts } = summary;
      await reporter.succeed(counts, `导入完成：新增 ${summary.inserted}，更新 ${summary.updated}，未变 ${summary.unchanged}，隔离 ${summary.quarantined}`);
      await fs.promises.rm(filePath, { force: true });
      // announce chat.ingested now rather than at the relay's next tick
      await context.outbox.flush().catch(() => {});
    },
  });
}

/**
 * A failed job's upload is removed before the job is seen failed, so a failed job never has its file still waiting
 * on the disk; a path that was refused is not ours to delete.
 */
async function removeUpload(uploadDir: string, job: EtlImportJob): Promise<void> {
  const filePath = await confinedUpload(uploadDir, job.filePath).catch(() => null);
  if (filePath) await fs.promises.rm(filePath, { force: true });
}
