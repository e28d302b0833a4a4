import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { Broker, OutboxRelay, baseConfigShape, createLogger, createPool, exitWithUsage, loadCliConfig, type BaseConfig } from '@doitcrm/kit';
import { createNationalIdCipher, isNationalIdKey } from '@doitcrm/roster/src/domain/national-id.ts';
import { runLegacyImport, type LegacyProgress } from './legacy-import.ts';
import { renderReport } from './legacy-report.ts';

const USAGE = `用法 (usage):
  npm run legacy -- preview --from postgres://USER@HOST:PORT/DATABASE [--json]
  npm run legacy -- import  --from postgres://USER@HOST:PORT/DATABASE [--prefer legacy] [--json]

  preview          reads the original DoitCRM database and prints what it holds and what an import would do here
                   (counts per table, rows it cannot import and why, conflicts, the schema version); writes nothing
  import           imports it: chat logs, people, classes, students, parent links, old AI analyses; safe to run again
  --from           the original database (opened read-only: it is never written to)
  --prefer legacy  where this installation and the original both set a field, take the original's (default: keep this one's)
  --json           print the whole report as one JSON line on stdout (last line)
Environment: DATABASE_URL (this installation), AMQP_URL (to announce chat.ingested), ROSTER_ID_NUMBER_KEY (the roster's key:
  children's ID numbers are kept only with it and with storing turned on in the roster's settings), LOG_LEVEL`;

const PHASES: Record<LegacyProgress['phase'], string> = {
  chat: '聊天记录', people: '人员', classes: '班级', students: '学生', guardianships: '家长关系', analyses: '旧分析',
};

function parseCommandLine() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, prefer: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    exitWithUsage(USAGE, (error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== 'preview' && command !== 'import') exitWithUsage(USAGE, command ? `unknown command "${command}"` : 'missing command "preview|import"');
  if (extra.length > 0) exitWithUsage(USAGE, `unexpected argument "${extra[0]}"`);
  const from = parsed.values.from;
  if (!from || !/^postgres(ql)?:\/\//.test(from)) exitWithUsage(USAGE, '--from must be a postgres:// URL of the original database');
  if (parsed.values.prefer !== undefined && parsed.values.prefer !== 'legacy') exitWithUsage(USAGE, `--prefer takes only "legacy" (got "${parsed.values.prefer}")`);
  return { mode: command as 'preview' | 'import', from, preferLegacy: parsed.values.prefer === 'legacy', json: parsed.values.json ?? false };
}

function progressBar(enabled: boolean) {
  if (!enabled) return { update: (_progress: LegacyProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: '{phase} {bar} {percentage}% | {value}/{total}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let phase: string | null = null;
  return {
    update(progress: LegacyProgress) {
      const name = PHASES[progress.phase];
      if (phase !== name) {
        if (phase !== null) bar.stop();
        bar.start(Math.max(progress.total, 1), progress.done, { phase: name });
        phase = name;
      } else bar.update(progress.done, { phase: name });
    },
    stop: () => { if (phase !== null) bar.stop(); },
  };
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  const config = loadCliConfig(baseConfigShape);
  if (!config) return 1;
  const key = process.env.ROSTER_ID_NUMBER_KEY;
  if (key && !isNationalIdKey(key)) {
    console.error('ROSTER_ID_NUMBER_KEY must be 32 random bytes in base64 (openssl rand -base64 32)');
    return 1;
  }
  const logger = createLogger({ service: 'legacy-cli', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const pool = createPool({ databaseUrl: config.DATABASE_URL, logger, max: 4, applicationName: 'doitcrm-legacy-cli' });
  const progress = progressBar(process.stderr.isTTY === true && !args.json);
  try {
    const report = await runLegacyImport(
      { fromUrl: args.from, mode: args.mode, preferLegacy: args.preferLegacy, cipher: key ? createNationalIdCipher(key) : null }, { pool, logger }, progress.update);
    progress.stop();
    if (args.mode === 'import') await announce(config, pool, logger);
    if (args.json) console.log(JSON.stringify(report));
    else {
      console.log(renderReport(report));
      if (report.runId !== null) console.log(`\n已记入 ETL 页面的导入记录：运行 #${report.runId}（完整报告可在页面下载）`);
    }
    return 0;
  } catch (error) {
    progress.stop();
    console.error(`${args.mode === 'preview' ? '预览' : '导入'}失败 (${args.mode} failed): ${error instanceof Error ? error.message : String(error)}`);
    logger.error({ err: error }, 'legacy import failed');
    return 1;
  } finally {
    await pool.end().catch(() => {});
  }
}

/** Publishes the outbox now when the broker answers; otherwise the ETL service's relay does it later. */
async function announce(config: BaseConfig, pool: ReturnType<typeof createPool>, logger: ReturnType<typeof createLogger>): Promise<void> {
  let broker: Broker | undefined;
  try {
    broker = await Broker.connect({ url: config.AMQP_URL, namespace: config.AMQP_NAMESPACE, logger, initialRetries: 1, publishTimeoutMs: 5_000 });
    await new OutboxRelay({ pool, broker, logger }).flush();
  } catch {
    // the ETL service's relay publishes what is left in the outbox
  } finally {
    await broker?.close(1_000).catch(() => {});
  }
}

process.exitCode = await main();
