import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError, createPool, exitWithUsage, loadCliConfig, parseFileCommandLine } from '@doitcrm/kit';
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

function parseCommandLine(): { command: 'preview' | 'commit'; file: string; kind: ImportKind | undefined } {
  const { command, file, values } = parseFileCommandLine(USAGE, ['preview', 'commit'], { kind: { type: 'string' } });
  const kind = values.kind;
  if (kind !== undefined && kind !== 'matrix' && kind !== 'enrolment') exitWithUsage(USAGE, `--kind must be matrix or enrolment (got "${kind}")`);
  return { command, file, kind };
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  const config = loadCliConfig();
  if (!config) return 1;
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
