import fs from 'node:fs';
import { etlImportJobSchema, type EtlImportJob } from '@doitcrm/types';
import { withAdvisoryLock, type ServiceContext } from '@doitcrm/kit';
import type { EtlConfig } from '../../config.ts';
import { importArchive, ImportFileError } from '../../domain/import-archive.ts';
import { lineLimits } from '../../domain/line-limits.ts';
import { confinedUpload } from './queued-upload.ts';

const QUEUE = 'etl.import';
const MAX_ATTEMPTS = 3;

/**
 * The `etl.import` worker. At-least-once delivery means a job may arrive twice: a finished job is acknowledged
 * untouched, and an interrupted one simply runs again (skip mode inserts only what is missing).
 */
export async function startImportConsumer(context: ServiceContext<EtlConfig>): Promise<void> {
  await context.broker.consume<EtlImportJob>({
    queue: QUEUE,
    prefetch: context.config.IMPORT_WORKERS,
    // attempts are counted on the job row; the broker only dead-letters what cannot even be parsed
    maxAttempts: MAX_ATTEMPTS + 2,
    schema: etlImportJobSchema,
    // one run per job across processes: a message redelivered while its first worker still runs (RabbitMQ's
    // consumer timeout, a channel reopened) waits here, then finds the job finished, or resumes it if that worker died
    handle: (job) => withAdvisoryLock(context.pool, `${QUEUE}:${job.jobId}`, () => runJob(context, job)).then(() => {}),
  });
}

async function runJob(context: ServiceContext<EtlConfig>, job: EtlImportJob): Promise<void> {
  const reporter = context.jobReporter(job.jobId);
  const running = await reporter.start();
  if (!running) return;
  const fail = async (message: string, filePath: string | null) => {
    // removed first, so a job seen failed never has its file still waiting on the disk
    if (filePath) await fs.promises.rm(filePath, { force: true }).catch(() => {});
    await reporter.fail(message);
    context.metrics.jobs.inc({ type: QUEUE, status: 'failed' });
  };

  let filePath: string;
  try {
    filePath = await confinedUpload(context.config.UPLOAD_DIR, job.filePath);
  } catch (error) {
    // a path that is refused is not ours to delete
    if (error instanceof ImportFileError) return fail(error.message, null);
    throw error;
  }
  // every earlier delivery stopped mid-run without failing the job: its process died (killed, out of memory), and
  // the next run of the same file would most likely die the same way, taking the page down with it again
  if (running.attempts > MAX_ATTEMPTS) {
    return fail(`已尝试 ${MAX_ATTEMPTS} 次，每次都在导入中途停止，不再重试 (gave up: ${MAX_ATTEMPTS} attempts each stopped mid-import)`, filePath);
  }

  try {
    const summary = await importArchive(
      { filePath, sourceName: job.originalName, conflict: job.conflict, origin: 'upload', jobId: job.jobId, startedBy: job.userId,
        databaseUrl: context.config.DATABASE_URL, limits: lineLimits(context.config) },
      context,
      (progress) => reporter.progress(progress.bytesRead, progress.bytesTotal,
        `已处理 ${progress.lines} 行：新增 ${progress.counts.inserted}，更新 ${progress.counts.updated}，未变 ${progress.counts.unchanged}，隔离 ${progress.counts.quarantined}`),
    );
    const { run: _run, ...counts } = summary;
    await reporter.succeed(counts, `导入完成：新增 ${summary.inserted}，更新 ${summary.updated}，未变 ${summary.unchanged}，隔离 ${summary.quarantined}`);
    context.metrics.jobs.inc({ type: QUEUE, status: 'succeeded' });
    await fs.promises.rm(filePath, { force: true });
    // announce chat.ingested now rather than at the relay's next tick
    await context.outbox.flush().catch(() => {});
  } catch (error) {
    // the file itself is the problem (a bomb, corrupt gzip): the same file fails the same way, so no retry
    if (error instanceof ImportFileError || running.attempts >= MAX_ATTEMPTS) {
      return fail(error instanceof Error ? error.message : String(error), filePath);
    }
    throw error;
  }
}
