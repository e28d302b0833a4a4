import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, ConfigError, baseConfigShape, createPool, loadConfig } from '@doitcrm/kit';
import { reportText, previewText } from './cli-report.ts';
import { commitImport } from './domain/commit-import.ts';
import type { ImportKind } from './domain/draft.ts';
import { previewUpload, type Actor } from './domain/preview-import.ts';

const USAGE = `用法 (usage):
  npm run roster -- preview FILE [--kind matrix|enrolment]   解析并与数据库比对，只显示不写入
  npm run roster -- commit FILE [--kind matrix|enrolment]    预览后在一个事务里提交，并打印报告

  FILE     矩阵花名册 CSV 或报读课程表 CSV（UTF-8 / UTF-8 BOM / GBK 均可）
  --kind   不写时按表头自动识别
Environment: DATABASE_URL, LOG_LEVEL`;

function usage(problem: string): never {
  console.error(`${problem}\n\n${USAGE}`);
  process.exit(2);
}

function parseCommandLine(): { command: 'preview' | 'commit'; file: string; kind: ImportKind | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { kind: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    usage((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (command !== 'preview' && command !== 'commit') usage(command ? `unknown command "${command}"` : 'missing command preview|commit');
  if (!file) usage('missing FILE');
  if (extra.length > 0) usage(`unexpected argument "${extra[0]}"`);
  const kind = parsed.values.kind;
  if (kind !== undefined && kind !== 'matrix' && kind !== 'enrolment') usage(`--kind must be matrix or enrolment (got "${kind}")`);
  return { command, file, kind };
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  let config;
  try {
    config = loadConfig(baseConfigShape);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const bytes = await fs.readFile(args.file).catch((error: NodeJS.ErrnoException) => {
    console.error(`无法读取 ${args.file}: ${error.code ?? error.message}`);
    return null;
  });
  if (!bytes) return 1;
  const pool = createPool({ databaseUrl: config.DATABASE_URL, applicationName: 'doitcrm-roster-cli', max: 2 });
  const actor: Actor = { service: 'roster', userId: null, username: `cli:${os.userInfo().username}`, ip: null, userAgent: 'roster-cli' };
  try {
    process.stderr.write(`解析并比对 ${path.basename(args.file)}（${bytes.length} 字节）…\n`);
    const preview = await previewUpload(pool, { bytes, fileName: path.basename(args.file), kind: args.kind }, actor);
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
