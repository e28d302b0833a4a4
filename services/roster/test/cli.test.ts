import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { freshMatrix } from './roster-harness.ts';

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
const db = useTestDatabase();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { env: { ...process.env, DATABASE_URL: db.database.url, LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run roster', () => {
  it('when a GBK matrix is previewed, then the summary and the unreadable-stage warning print and nothing is written; commit writes it', async () => {
    const { csv, rooms } = freshMatrix([{ stage: '三段 7', pupils: ['命令行童', '命令行乙(休学)'] }, { stage: '?', pupils: ['无阶童'] }]);
    const file = path.join(dir, 'roster-gbk.csv');
    fs.writeFileSync(file, iconv.encode(csv, 'gbk'));

    const preview = await runCli(['preview', file]);

    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('编码 GBK / GB18030');
    expect(preview.stdout).toMatch(/学员：新增 2，变更 0，未变 0，未匹配 1/u);
    expect(preview.stdout).toMatch(/提示 第2行第3列：.*所在阶段/u);
    expect((await db.pool.query('SELECT 1 FROM crm.classes WHERE room_id = ANY($1)', [rooms])).rowCount).toBe(0);

    const commit = await runCli(['commit', file]);

    expect(commit.code).toBe(0);
    expect(commit.stderr).toContain('提交导入');
    expect(commit.stdout).toMatch(/学员 新增 2 更新 0 新入班 2/u);
    const { rows } = await db.pool.query("SELECT l.name FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id WHERE c.room_id = ANY($1)", [rooms]);
    expect(rows).toEqual([{ name: 'L7' }]);
  });

  it('when storing ID numbers is turned on without a key, then it exits 1 naming ROSTER_ID_NUMBER_KEY and storing stays off; off reports what it deleted', async () => {
    const on = await runCli(['settings', '--store-national-id', 'on']);

    expect(on.code).toBe(1);
    expect(on.stderr).toContain('ROSTER_ID_NUMBER_KEY');
    expect((await db.pool.query('SELECT store_national_id FROM crm.roster_settings')).rows[0].store_national_id).toBe(false);
    const off = await runCli(['settings', '--store-national-id', 'off']);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/已关闭；已删除 0 个加密保存的身份证号/u);
    expect((await runCli(['settings', '--store-national-id', 'yes'])).code).toBe(2);
  });

  it('when the command line is wrong or the file is not a roster, then it says why and exits non-zero', async () => {
    const usage = await runCli(['import', 'x.csv']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command');
    const file = path.join(dir, 'junk.csv');
    fs.writeFileSync(file, 'a,b\n1,2\n');
    const bad = await runCli(['preview', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('不是花名册矩阵格式');
  });
});
