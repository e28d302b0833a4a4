import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { createNationalIdCipher } from '@doitcrm/roster/src/domain/national-id.ts';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import type { LegacyReport } from '../src/legacy/legacy-report.ts';
import {
  HAND_ADDED_STUDENT_COLUMNS, V1_CHAT, V1_MAPPINGS, V2_CORE, V2_RELATIONS_WITHOUT_FKS, chatRow, createLegacyDatabase, textRecord, type LegacyDatabase,
} from './legacy-fixtures.ts';

const db = useTestDatabase({ max: 4 });
const logger = createLogger({ service: 'legacy-test', level: 'silent' });
const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/legacy/legacy-cli.ts');
let legacy: LegacyDatabase;

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    env: { ...process.env, DATABASE_URL: db.database.url, AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => { child.on('close', (code) => resolve({ code, stdout, stderr })); });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as LegacyReport;

// both schemas, as a school that ran the ETL into public and synced v2 by hand: the same msgids in both, v1 mappings
// beside v2's, and relations restored without their foreign keys (links to rows that are gone)
beforeAll(async () => {
  legacy = await createLegacyDatabase([
    V1_CHAT, V1_MAPPINGS, V2_CORE, V2_RELATIONS_WITHOUT_FKS, HAND_ADDED_STUDENT_COLUMNS,
    chatRow('public', textRecord('both-1', 'wmMum', 'teacherA', '改过的内容')),
    chatRow('v2', textRecord('both-1', 'wmMum', 'teacherA', '同步前的旧内容')),
    chatRow('public', textRecord('both-2', 'wmMum', 'teacherA', '只在 public')),
    chatRow('v2', textRecord('both-3', 'teacherA', 'wmMum', '只在 v2'), '2026-03-03 10:00:00+08'),
    `INSERT INTO public.wecom_id_mappings (id_type, original_id, display_name, user_role) VALUES
      ('user_id', 'wmMum', 'v1 昵称', '家长'), ('user_id', 'wmOnlyV1', '只在 v1', '老师');
    INSERT INTO v2.wecom_id_mappings (id, id_type, original_id, wecom_nickname, business_name, user_role) VALUES
      (1, 'user_id', 'wmMum', 'v2 昵称', '小美妈妈', 'parent'), (2, 'user_id', 'teacherA', NULL, 'A 老师', 'teacher');
    INSERT INTO v2.students (id, name, class_room_id, id_card) VALUES (1, '刘小美', 'wrRoomB', '110101201601012345');
    INSERT INTO v2.wecom_user_student_rel (wecom_id, student_id, relation, is_primary) VALUES (1, 1, 'mother', true), (1, 99, 'mother', false), (77, 1, 'father', false);`,
  ].join('\n'));
  // this installation already names teacherA differently
  await db.pool.query(`INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role) VALUES ('user_id', 'teacherA', 'staff', '安老师', 'teacher')`);
});
afterAll(async () => { await legacy?.drop(); });

describe('legacy import of a database with both schemas', () => {
  it('when it is previewed, then it prints counts, rows it cannot import, conflicts and the version, and writes nothing anywhere', async () => {
    const { rows: [before] } = await db.pool.query(`SELECT (SELECT count(*) FROM chat.messages)::int AS m, (SELECT count(*) FROM crm.identities)::int AS i, (SELECT count(*) FROM chat.import_runs)::int AS r`);

    const text = await runCli(['preview', '--from', legacy.url]);
    const json = await runCli(['preview', '--from', legacy.url, '--json']);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/识别的版本 \(schema\): v1 \+ v2/);
    expect(text.stdout).toMatch(/public\.wecom_chat_logs\s+2/);
    expect(text.stdout).toMatch(/public ∩ v2.*\s1\n/);
    expect(text.stdout).toMatch(/\[teacherA\] business_name: 本系统「安老师」 原库「A 老师」/);
    const report = lastJson(json.stdout);
    expect(report.groups.chat).toMatchObject({ read: 3, inserted: 3 });
    expect(report.problems.filter((problem) => problem.group === 'guardianships').map((problem) => problem.key).sort()).toEqual(['1→99', '77→1']);
    const { rows: [after] } = await db.pool.query(`SELECT (SELECT count(*) FROM chat.messages)::int AS m, (SELECT count(*) FROM crm.identities)::int AS i, (SELECT count(*) FROM chat.import_runs)::int AS r`);
    expect(after).toEqual(before);
  });

  it('when it is imported, then the same msgid in both is one message (public\'s), v1-only ids land, orphan links are reported and national ids are kept sealed when storing is on', async () => {
    await db.pool.query('UPDATE crm.roster_settings SET store_national_id = true');
    const cipher = createNationalIdCipher(randomBytes(32).toString('base64'));

    const report = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher }, { pool: db.pool, logger });

    expect(report.schema.version).toBe('both');
    expect(report.groups.chat).toMatchObject({ read: 3, inserted: 3, skipped: 0 });
    const { rows: messages } = await db.pool.query(`SELECT msgid, payload->>'content' AS content FROM chat.messages WHERE msgid LIKE 'both-%' ORDER BY msgid`);
    expect(messages).toEqual([{ msgid: 'both-1', content: '改过的内容' }, { msgid: 'both-2', content: '只在 public' }, { msgid: 'both-3', content: '只在 v2' }]);
    const { rows: people } = await db.pool.query(`SELECT original_id, wecom_nickname, business_name, user_role FROM crm.identities ORDER BY original_id`);
    expect(people).toEqual([
      { original_id: 'teacherA', wecom_nickname: null, business_name: '安老师', user_role: 'teacher' },
      { original_id: 'wmMum', wecom_nickname: 'v2 昵称', business_name: '小美妈妈', user_role: 'parent' },
      { original_id: 'wmOnlyV1', wecom_nickname: '只在 v1', business_name: null, user_role: 'teacher' },
    ]);
    expect(report.groups.guardianships).toMatchObject({ read: 3, inserted: 1, skipped: 2 });
    expect(report.problems).toContainEqual(expect.objectContaining({ key: '1→99', reason: expect.stringMatching(/学生不存在/) }));
    expect(report.problems).toContainEqual(expect.objectContaining({ key: '77→1', reason: expect.stringMatching(/映射不存在/) }));
    const { rows: ids } = await db.pool.query('SELECT key_id, masked FROM crm.student_national_ids');
    expect(ids).toEqual([{ key_id: cipher.keyId, masked: '110*************45' }]);
    expect(report.nationalIdsDropped).toBe(0);
  });

  it('when the CLI imports it again, then it exits 0, says nothing changed, and the run with its report is in the ETL history', async () => {
    const result = await runCli(['import', '--from', legacy.url]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/没有任何变化/);
    const { rows } = await db.pool.query(`SELECT origin, status, report->>'nothingChanged' AS nothing FROM chat.import_runs ORDER BY id DESC LIMIT 1`);
    expect(rows).toEqual([{ origin: 'legacy', status: 'succeeded', nothing: 'true' }]);
  });

  it('when called wrongly, then it exits 2 naming the problem', async () => {
    const result = await runCli(['import', '--from', 'mysql://x']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--from must be a postgres/);
  });
});
