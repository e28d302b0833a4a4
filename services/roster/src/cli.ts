import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, ConfigError, baseConfigShape, createPool, exitWithUsage, loadConfig, parseFileCommandLine, systemActor } from '@doitcrm/kit';
import { nationalIdCipherOf } from './app.ts';
import { reportText, previewText } from './cli-report.ts';
import { rosterConfigShape } from './config.ts';
import { commitImport } from './domain/commit-import.ts';
import type { ImportKind } from './domain/draft.ts';
import { changeNationalIdStorage } from './domain/national-id-settings.ts';
import { previewUpload } from './domain/preview-import.ts';

const USAGE = `用法 (usage):
  npm run roster -- preview FILE [--kind matrix|enrolment]   解析并与数据库比对，只显示不写入
  npm run roster -- commit FILE [--kind matrix|enrolment]    预览后在一个事务里提交，并打印报告
  npm run roster -- settings --store-national-id on|off      保存儿童身份证号：开启需要 ROSTER_ID_NUMBER_KEY；关闭即删除已保存的全部身份证号

  FILE     矩阵花名册 CSV 或报读课程表 CSV（UTF-8 / UTF-8 BOM / GBK 均可）
  --kind   不写时按表头自动识别
Environment: DATABASE_URL, ROSTER_ID_NUMBER_KEY, LOG_LEVEL`;

type Command = { command: 'preview' | 'commit'; file: string; kind: ImportKind | undefined } | { command: 'settings'; storeNationalId: boolean };

function parseCommandLine(argv = process.argv.slice(2)): Command {
  if (argv[0] === 'settings') {
    let values: { 'store-national-id'?: string };
    try {
      ({ values } = parseArgs({ args: argv.slice(1), options: { 'store-national-id': { type: 'string' } } }));
    } catch (error) {
      exitWithUsage(USAGE, (error as Error).message);
    }
    const value = values['store-national-id'];
    if (value !== 'on' && value !== 'off') exitWithUsage(USAGE, `--store-national-id must be on or off (got ${value === undefined ? 'nothing' : `"${value}"`})`);
    return { command: 'settings', storeNationalId: value === 'on' };
  }
  const { command, file, values } = parseFileCommandLine(USAGE, ['preview', 'commit'], { kind: { type: 'string' } }, argv);
  const kind = values.kind;
  if (kind !== undefined && kind !== 'matrix' && kind !== 'enrolment') exitWithUsage(USAGE, `--kind must be matrix or enrolment (got "${kind}")`);
  return { command, file, kind };
}

const cliConfigShape = { ...baseConfigShape, ROSTER_ID_NUMBER_KEY: rosterConfigShape.ROSTER_ID_NUMBER_KEY };

async function main(): Promise<number> {
  const args = parseCommandLine();
  let config;
  try {
    config = loadConfig(cliConfigShape);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  const cipher = nationalIdCipherOf(config);
  const pool = createPool({ databaseUrl: config.DATABASE_URL, applicationName: 'doitcrm-roster-cli', max: 2 });
  const actor = { ...systemActor(`cli:${os.userInfo().username}`), userAgent: 'roster-cli' };
  try {
    if (args.command === 'settings') {
      const change = await changeNationalIdStorage(pool, args.storeNationalId, cipher, actor);
      console.log(change.purged
        ? `保存儿童身份证号：已关闭；已删除 ${change.purged.stored} 个加密保存的身份证号、${change.purged.legacy} 个旧版明文、${change.purged.previews} 个未提交预览中的身份证号`
        : '保存儿童身份证号：已开启（加密保存）');
      return 0;
    }
    const bytes = await fs.readFile(args.file).catch((error: NodeJS.ErrnoException) => {
      console.error(`无法读取 ${args.file}: ${error.code ?? error.message}`);
      return null;
    });
    if (!bytes) return 1;
    process.stderr.write(`解析并比对 ${path.basename(args.file)}（${bytes.length} 字节）…\n`);
    const preview = await previewUpload(pool, { bytes, fileName: path.basename(args.file), kind: args.kind }, actor, cipher);
    console.log(previewText(preview));
    if (args.command === 'preview') return 0;
    process.stderr.write(`提交导入 #${preview.record.id}…\n`);
    const report = await commitImport(pool, preview.record.id, { token: preview.token }, actor);
    console.log(reportText(report));
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.expose) {
      console.error(error.message);
      for (const detail of error.details ?? []) console.error(`  ${[detail.file, detail.line && `第 ${detail.line} 行`, detail.field].filter(Boolean).join(' · ')}: ${detail.message}`);
      return 1;
    }
    throw error;
  } finally {
    await pool.end();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
