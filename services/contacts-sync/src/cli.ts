import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  Broker, JobReporter, OutboxRelay, baseConfigShape, createLogger, createPool, createRedis, exitWithUsage, insertJob, loadCliConfig, withAdvisoryLock,
  withTransaction,
} from '@doitcrm/kit';
import { createWecomClientFromSettings, WECOM_NOT_CONFIGURED, wecomSettingsShape } from '@doitcrm/wecom';
import { syncSettingsShape } from './config.ts';
import { insertRun, type SyncMode } from './data-access/run-repository.ts';
import { SYNC_LOCK, SYNC_QUEUE } from './domain/request-sync.ts';
import { runSync } from './domain/run-sync.ts';
import { syncStatus } from './domain/sync-status.ts';
import { testSync } from './domain/test-sync.ts';
import { runSummary, syncSettingsOf } from './entry-points/queue/sync-consumer.ts';

const USAGE = `用法 (usage):
  npm run contacts -- --mode full|incremental|status|test [--verbose]

  --mode full         全量同步：所有成员 (user/get)、所有客户关系、所有客户群 (groupchat/get)
  --mode incremental  增量同步：逐个成员比较客户关系，只读新成员与新客户群的详情
  --mode status       最近的同步记录
  --mode test         调用企业微信但不写入：能否访问、成员/客户/客户群数量、为空时的可能原因
  --verbose           打印每次运行的计数与 WeCom 调用次数 (JSON)
A run stopped midway (Ctrl-C, crash) is resumed by the next run of the same mode. Exit codes: 0 ok, 1 failed, 2 bad usage.
Environment: DATABASE_URL, REDIS_URL, AMQP_URL, WECOM_BASE_URL, WECOM_CORP_ID, WECOM_SECRET, CONTACTS_SYNC_* (services/contacts-sync/README.md)`;

const MODES = ['full', 'incremental', 'status', 'test'] as const;

function parseCommandLine(): { mode: (typeof MODES)[number]; verbose: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { mode: { type: 'string' }, verbose: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    exitWithUsage(USAGE, (error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const mode = parsed.values.mode;
  if (!MODES.includes(mode as (typeof MODES)[number])) exitWithUsage(USAGE, mode ? `unknown --mode "${mode}"` : 'missing --mode');
  if (parsed.positionals.length > 0) exitWithUsage(USAGE, `unexpected argument "${parsed.positionals[0]}"`);
  return { mode: mode as (typeof MODES)[number], verbose: parsed.values.verbose ?? false };
}

function progressBar(enabled: boolean) {
  if (!enabled) return { update: (_done: number, _total: number, _message: string) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: '同步 {bar} {percentage}% | {value}/{total} | {message}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic);
  let begun = false;
  return {
    update(done: number, total: number, message: string) {
      if (!begun) {
        bar.start(total, done, { message });
        begun = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { message });
      }
    },
    stop: () => { if (begun) bar.stop(); },
  };
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  const config = loadCliConfig({ ...baseConfigShape, ...wecomSettingsShape, ...syncSettingsShape });
  if (!config) return 1;
  const logger = createLogger({ service: 'contacts-cli', level: args.verbose ? 'info' : 'warn' });
  const pool = createPool({ databaseUrl: config.DATABASE_URL, logger, applicationName: 'doitcrm-contacts-cli' });
  const redis = createRedis({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_PREFIX, logger });
  try {
    if (args.mode === 'status') {
      const status = await syncStatus(pool);
      if (args.verbose) console.log(JSON.stringify(status, null, 2));
      const beijing = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: config.DISPLAY_TIMEZONE, hour12: false });
      if (!args.verbose) {
        for (const run of status.runs) console.log(`#${run.id} ${run.mode} 第${run.pass}轮 ${run.state} ${beijing(run.createdAt)}${run.error ? ` — ${run.error}` : ''}`);
      }
      return 0;
    }
    const client = createWecomClientFromSettings(config, { logger, redis });
    if (!client) {
      console.error(WECOM_NOT_CONFIGURED);
      return 1;
    }
    if (args.mode === 'test') {
      const report = await testSync(client, config.CONTACTS_SYNC_MEMBERS_PER_BATCH);
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    return await syncOnce({ config, logger, pool, redis, client }, args.mode, args.verbose);
  } catch (error) {
    console.error(`失败 (failed): ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    redis.disconnect();
    await pool.end().catch(() => {});
  }
}

type Deps = {
  config: NonNullable<ReturnType<typeof loadCliConfig<typeof baseConfigShape & typeof wecomSettingsShape & typeof syncSettingsShape>>>;
  logger: ReturnType<typeof createLogger>;
  pool: ReturnType<typeof createPool>;
  redis: ReturnType<typeof createRedis>;
  client: NonNullable<ReturnType<typeof createWecomClientFromSettings>>;
};

/** A run in this process, recorded as a job like the service's (so a page shows it), under the same lock. */
async function syncOnce(deps: Deps, mode: SyncMode, verbose: boolean): Promise<number> {
  const { pool } = deps;
  let created;
  try {
    created = await withTransaction(pool, async (tx) => {
      const job = await insertJob(tx, { type: SYNC_QUEUE, params: { mode, origin: 'cli' } });
      return { job, run: await insertRun(tx, { mode, jobId: job.id, createdBy: null }) };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      console.error('已有同步正在进行（npm run contacts -- --mode status 查看）；若它已中断，用接口 force=true 取代它');
      return 1;
    }
    throw error;
  }
  if (created.run.resumedFrom) console.error(`接着第 ${created.run.resumedFrom} 次同步中断处继续（第 ${created.run.pass} 轮）`);
  const reporter = new JobReporter({ pool, redis: deps.redis, redisPrefix: deps.config.REDIS_PREFIX, logger: deps.logger }, created.job.id);
  await reporter.start();
  const bar = progressBar(process.stderr.isTTY === true);
  const syncDeps = { pool, client: deps.client, logger: deps.logger, settings: syncSettingsOf(deps.config) };
  try {
    const outcome = await withAdvisoryLock(pool, SYNC_LOCK, () => runSync(syncDeps, created.run.id, {
      onProgress: async (done, total, message) => {
        bar.update(done, total, message);
        await reporter.progress(done, total, message);
      },
    }), { wait: false });
    bar.stop();
    if (!outcome.acquired) throw new Error('另一个同步正在运行（服务或另一个命令行）');
    await reporter.succeed({ runId: created.run.id, counters: outcome.value }, runSummary(outcome.value));
    console.log(runSummary(outcome.value));
    if (verbose) console.log(JSON.stringify(outcome.value, null, 2));
    if (!(await publishOutbox(deps))) console.log('RabbitMQ 暂不可达：contacts.changed / alert.raised 已存入 outbox，服务运行时会发出。');
    return 0;
  } catch (error) {
    bar.stop();
    const message = error instanceof Error ? error.message : String(error);
    await reporter.fail(message).catch(() => {});
    console.error(`同步失败 (sync failed): ${message}`);
    return 1;
  }
}

/** Publishes the events the run wrote to the outbox now when the broker answers; otherwise a service's relay does later. */
async function publishOutbox(deps: Deps): Promise<boolean> {
  let broker: Broker | undefined;
  try {
    broker = await Broker.connect({ url: deps.config.AMQP_URL, namespace: deps.config.AMQP_NAMESPACE, logger: deps.logger, initialRetries: 1, publishTimeoutMs: 5_000 });
    await new OutboxRelay({ pool: deps.pool, broker, logger: deps.logger }).flush();
    return true;
  } catch {
    return false;
  } finally {
    await broker?.close(1_000).catch(() => {});
  }
}

process.exitCode = await main();
