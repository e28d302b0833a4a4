import cliProgress from 'cli-progress';
import { Broker, OutboxRelay, baseConfigShape, createLogger, createPool, exitWithUsage, loadCliConfig, parseFileCommandLine, type BaseConfig } from '@doitcrm/kit';
import { importArchive, ImportFileError, type ImportProgress } from './domain/import-archive.ts';
import { importLimitsShape } from './config.ts';
import { lineLimits } from './domain/line-limits.ts';

const USAGE = `用法 (usage):
  npm run etl -- import FILE [--conflict skip|update] [--json] [--label NAME] [--lanes N]

  FILE            decrypted WeCom archive, one JSON record per line (.jsonl, or gzip-compressed)
  --conflict      skip (default): only new msgids are inserted
                  update: rows whose content changed are rewritten too
  --json          print the summary as one JSON line on stdout (last line)
  --label         what the run is called in the import history (default: FILE as given)
  --lanes         chunks written at once in skip mode, each on its own connection (default 2, 1 to 4)
Environment: DATABASE_URL, AMQP_URL (to announce chat.ingested), LOG_LEVEL,
  MAX_LINE_KB (longest line, default 4096; a longer one is quarantined), MAX_DECOMPRESSED_MB (most a .gz may expand to, default 20480)`;

function parseCommandLine() {
  const { file, values } = parseFileCommandLine(USAGE, ['import'], {
    conflict: { type: 'string', default: 'skip' }, json: { type: 'boolean', default: false }, label: { type: 'string' },
    lanes: { type: 'string', default: '2' },
  });
  const conflict = values.conflict;
  if (conflict !== 'skip' && conflict !== 'update') exitWithUsage(USAGE, `--conflict must be skip or update (got "${conflict}")`);
  const label = values.label?.trim();
  if (values.label !== undefined && !label) exitWithUsage(USAGE, '--label must not be empty');
  const lanes = Number(values.lanes);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 4) exitWithUsage(USAGE, `--lanes must be a whole number from 1 to 4 (got "${values.lanes}")`);
  return { file, conflict: conflict as 'skip' | 'update', json: values.json ?? false, label: label ?? file, lanes };
}

function progressReporter(enabled: boolean) {
  if (!enabled) return { update: (_progress: ImportProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    format: '导入 {bar} {percentage}% | {lines} 行 | 新增 {inserted} 更新 {updated} 未变 {unchanged} 隔离 {quarantined} | {rate} 行/秒',
    hideCursor: true,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let begun = false;
  return {
    update(progress: ImportProgress) {
      const payload = { ...progress.counts, rate: Math.round(progress.lines / Math.max((Date.now() - started) / 1000, 0.001)) };
      if (!begun) {
        bar.start(progress.bytesTotal, progress.bytesRead, payload);
        begun = true;
      } else bar.update(progress.bytesRead, payload);
    },
    stop: () => { if (begun) bar.stop(); },
  };
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  const config = loadCliConfig({ ...baseConfigShape, ...importLimitsShape });
  if (!config) return 1;
  const logger = createLogger({ service: 'etl-cli', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  // one connection per lane, and one for the run's bookkeeping and relinking
  const pool = createPool({ databaseUrl: config.DATABASE_URL, logger, max: args.lanes + 2, applicationName: 'doitcrm-etl-cli' });
  const progress = progressReporter(process.stderr.isTTY === true && !args.json);
  try {
    await pool.query('SELECT 1').catch((error: Error) => {
      throw new ImportFileError(`无法连接数据库 (cannot reach PostgreSQL at DATABASE_URL): ${error.message}`);
    });
    const summary = await importArchive({ filePath: args.file, conflict: args.conflict, origin: 'cli', sourceName: args.label, databaseUrl: config.DATABASE_URL, limits: lineLimits(config), lanes: args.lanes }, { pool, logger }, progress.update);
    progress.stop();
    const announced = await announce(config, pool, logger);
    const result = {
      runId: summary.runId,
      lines: summary.lines,
      inserted: summary.inserted,
      updated: summary.updated,
      unchanged: summary.unchanged,
      quarantined: summary.quarantined,
      duplicatesInFile: summary.duplicatesInFile,
      durationMs: summary.durationMs,
    };
    if (args.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(`导入完成 (run ${summary.runId}): ${summary.lines} 行, 新增 ${summary.inserted}, 更新 ${summary.updated}, 未变 ${summary.unchanged}, 隔离 ${summary.quarantined}, 文件内重复 ${summary.duplicatesInFile}, 用时 ${(summary.durationMs / 1000).toFixed(1)} 秒`);
      if (summary.quarantined > 0) console.log(`有 ${summary.quarantined} 行无法导入，已隔离：在导入页面查看，或 SELECT line_no, reason FROM chat.quarantine WHERE run_id = ${summary.runId}`);
      if (!announced) console.log('RabbitMQ 暂不可达：chat.ingested 事件已存入 outbox，ETL 服务运行时会发出。');
    }
    return 0;
  } catch (error) {
    progress.stop();
    console.error(`导入失败 (import failed): ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof ImportFileError)) logger.error({ err: error }, 'import failed');
    return 1;
  } finally {
    await pool.end().catch(() => {});
  }
}

/** Publishes the outbox now when the broker answers; otherwise the ETL service's relay does it later. */
async function announce(config: BaseConfig, pool: ReturnType<typeof createPool>, logger: ReturnType<typeof createLogger>): Promise<boolean> {
  let broker: Broker | undefined;
  try {
    broker = await Broker.connect({ url: config.AMQP_URL, namespace: config.AMQP_NAMESPACE, logger, initialRetries: 1, publishTimeoutMs: 5_000 });
    await new OutboxRelay({ pool, broker, logger }).flush();
    const { rows } = await pool.query<{ pending: number }>('SELECT count(*) AS pending FROM ops.outbox WHERE published_at IS NULL');
    return rows[0]!.pending === 0;
  } catch {
    return false;
  } finally {
    await broker?.close(1_000).catch(() => {});
  }
}

process.exitCode = await main();
