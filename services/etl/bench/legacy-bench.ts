// npm run bench:legacy -- [--messages 1000000] [--ids 5000] [--rounds 2] [--keep]
// Builds an original DoitCRM database with both schemas (public holds 90% of the messages with the ETL's naive
// created_at, v2 the last 20%: 10% in both, 10% only there) and a school of --ids WeCom ids with students, classes and
// parent links, imports it into an empty installation, then COPYs the same final chat rows into a table created
// LIKE chat.messages INCLUDING ALL in the same run and prints both rates and their ratio; then times the people,
// classes, students and links, and a rerun (which must change nothing). Imports and raw COPYs alternate (import, COPY,
// import, COPY, …): each import is held against the COPYs beside it, and the load average is printed on every line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { migrate, redactUrl } from '@doitcrm/db';
import { createLogger, createPool } from '@doitcrm/kit';
import { dropDatabase, withAdmin } from '@doitcrm/kit/testing';
import { runLegacyImport, type LegacyProgress } from '../src/legacy/legacy-import.ts';
import type { GroupName } from '../src/legacy/legacy-report.ts';
import { previewLegacyChat } from '../src/legacy/legacy-chat.ts';
import { detectSchema, openLegacy } from '../src/legacy/legacy-source.ts';
import { HAND_ADDED_STUDENT_COLUMNS, HIERARCHY, V1_CHAT, V1_MAPPINGS, V2_CORE, V2_RELATIONS_WITH_FKS } from '../test/legacy-fixtures.ts';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' }, ids: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } },
});
// a shared box's load swings between runs seconds apart: import and COPY alternate `rounds` times; each import's ratio
// is to the mean of the COPYs just before and after it, and the median of those ratios counts
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1 (got ${values.rounds})`);
const messages = Number(values.messages);
const ids = Number(values.ids);
if (!Number.isInteger(messages) || messages < 1000) throw new Error(`--messages must be a whole number ≥ 1000 (got ${values.messages})`);
if (!Number.isInteger(ids) || ids < 100) throw new Error(`--ids must be a whole number ≥ 100 (got ${values.ids})`);

const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
const stamp = Date.now();
const urlOf = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const targetName = `doitcrm_bench_legacy_${stamp}`;
const sourceName = `doitcrm_bench_legacysrc_${stamp}`;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
const load = () => os.loadavg()[0]!.toFixed(1);
const line = (label: string, text: string) => console.log(`${label.padEnd(56)} ${text}   [load ${load()}]`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The original's rows, made by the server itself (generate_series): 1:1 chats with roomid '' and group chats of five. */
function chatRows(table: 'public' | 'v2', from: number, to: number, naive: boolean): string {
  const created = naive ? "timestamp '2026-01-01 08:00' + g * interval '1 second'" : "timestamptz '2026-01-01 08:00+08' + g * interval '1 second'";
  return `INSERT INTO ${table}.wecom_chat_logs (msgid, action, msgtype, msgtime, from_user_id, roomid, tolist, content_payload, raw_data, created_at)
    SELECT r.msgid, 'send', 'text', to_timestamp(r.ms / 1000.0), r.sender, r.room, r.tolist, jsonb_build_object('content', r.content),
      jsonb_build_object('msgid', r.msgid, 'action', 'send', 'from', r.sender, 'tolist', to_jsonb(r.tolist), 'roomid', r.room, 'msgtime', r.ms,
        'msgtype', 'text', 'text', jsonb_build_object('content', r.content)), ${created}
    FROM generate_series(${from}, ${to - 1}) AS g
    CROSS JOIN LATERAL (SELECT 'bench-' || lpad(g::text, 9, '0') AS msgid, 1767225600000::bigint + g * 1000 AS ms,
      CASE WHEN g % 3 = 0 THEN 'teacher' || (g % 40) ELSE 'wmparent' || (g % ${ids - 300}) END AS sender,
      CASE WHEN g % 2 = 0 THEN 'wrclass' || (g % 200) ELSE '' END AS room,
      CASE WHEN g % 2 = 0 THEN ARRAY['wmparent' || ((g + 1) % ${ids - 300}), 'wmparent' || ((g + 2) % ${ids - 300}), 'wmparent' || ((g + 3) % ${ids - 300}), 'teacher' || (g % 40), 'wmparent' || ((g + 4) % ${ids - 300})]
           ELSE ARRAY['teacher' || (g % 40)] END AS tolist,
      '第' || g || '条消息：今天的作业是朗读 Unit ' || (g % 12) || '，请家长签字' AS content) r`;
}

/** A school of `ids` WeCom ids: parents, 40 teachers, 200 class groups; students in classes; one or two parents each. */
function school(): string {
  const parents = ids - 300;
  return `INSERT INTO v2.wecom_id_mappings (id_type, original_id, wecom_nickname, business_name, user_role, notes)
      SELECT 'user_id', 'wmparent' || g, '昵称' || g, '家长' || g, 'parent', CASE WHEN g % 10 = 0 THEN '备注' END FROM generate_series(0, ${parents - 1}) g;
    INSERT INTO v2.wecom_id_mappings (id_type, original_id, business_name, user_role) SELECT 'user_id', 'teacher' || g, '老师' || g, 'teacher' FROM generate_series(0, 59) g;
    INSERT INTO v2.wecom_id_mappings (id_type, original_id, business_name, profile) SELECT 'room_id', 'wrclass' || g, '班级群' || g, jsonb_build_object('student_level', 'L' || (g % 7 + 1)) FROM generate_series(0, 239) g;
    INSERT INTO public.wecom_id_mappings (id_type, original_id, display_name, user_role) SELECT 'user_id', 'wmparent' || g, 'v1 昵称' || g, '家长' FROM generate_series(0, ${parents - 1}, 2) g;
    INSERT INTO v2.classes (level_id, room_id, name, teacher_wecom_id, head_teacher_wecom_id, start_time)
      SELECT g % 7 + 1, 'wrclass' || g, '班级' || g, '老师' || (g % 40), '主任' || (g % 10), '周六9:00' FROM generate_series(0, 199) g;
    INSERT INTO v2.students (name, english_name, class_id, class_room_id, phone, parent_name, primary_guardian_type, school)
      SELECT '学生' || g, 'Kid' || g, CASE WHEN g % 50 = 0 THEN NULL ELSE g % 200 + 1 END, CASE WHEN g % 100 = 0 THEN 'wrclass' || (200 + g % 40) END,
        '138' || lpad(g::text, 8, '0'), '家长' || g, '妈妈', '实验小学' FROM generate_series(0, ${Math.round(parents * 0.8) - 1}) g;
    INSERT INTO v2.wecom_user_student_rel (wecom_id, student_id, relation, is_primary)
      SELECT m.id, s.id, 'mother', true FROM v2.students s JOIN v2.wecom_id_mappings m ON m.original_id = 'wmparent' || (s.id - 1);
    INSERT INTO v2.wecom_user_student_rel (wecom_id, student_id, relation, is_primary)
      SELECT m.id, s.id, 'father', false FROM v2.students s JOIN v2.wecom_id_mappings m ON m.original_id = 'wmparent' || (s.id - 1 + ${Math.round(parents * 0.8)})
      WHERE s.id % 4 = 0;`;
}

async function timedImport(pool: pg.Pool, logger: ReturnType<typeof createLogger>) {
  const started = performance.now();
  const phases: Partial<Record<GroupName, number>> = {};
  let current = null as GroupName | null;
  let since = started;
  const report = await runLegacyImport({ fromUrl: urlOf(sourceName), mode: 'import', preferLegacy: false, cipher: null }, { pool, logger }, (progress: LegacyProgress) => {
    if (progress.phase === current) return;
    const now = performance.now();
    if (current) phases[current] = now - since;
    current = progress.phase;
    since = now;
  });
  if (current) phases[current] = performance.now() - since;
  return { report, phases, totalMs: performance.now() - started };
}

async function main(): Promise<void> {
  console.log(`Legacy import benchmark: ${messages} chat rows, ${ids} ids, into ${redactUrl(urlOf(targetName))}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-legacy-bench-'));
  await migrate({ databaseUrl: urlOf(targetName) });
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${sourceName}`));
  const source = new pg.Client({ connectionString: urlOf(sourceName) });
  await source.connect();
  const logger = createLogger({ service: 'legacy-bench', level: 'warn' });
  const pool = createPool({ databaseUrl: urlOf(targetName), logger, max: 4 });
  try {
    const built = performance.now();
    await source.query([V1_CHAT, V1_MAPPINGS, V2_CORE, V2_RELATIONS_WITH_FKS, HAND_ADDED_STUDENT_COLUMNS, HIERARCHY].join('\n'));
    await source.query(chatRows('public', 0, Math.round(messages * 0.9), true));
    await source.query(chatRows('v2', Math.round(messages * 0.8), messages, false));
    await source.query(school());
    await source.query('ANALYZE');
    line('original database built (not timed)', `${seconds(performance.now() - built)} s`);

    await pool.query('CHECKPOINT');
    const first = await timedImport(pool, logger);
    const chat = first.report.groups.chat!;
    let chatMs = first.phases.chat!;
    line('legacy import: chat (both schemas → chat.messages)', `${seconds(chatMs)} s  ${rate(chat.read, chatMs)} rows/s  (${chat.inserted} inserted)`);
    for (const group of ['people', 'classes', 'students', 'guardianships'] as const) {
      const counts = first.report.groups[group]!;
      line(`legacy import: ${group}`, `${seconds(first.phases[group]!)} s  (read ${counts.read}, inserted ${counts.inserted}, skipped ${counts.skipped})`);
    }

    const tsv = path.join(workDir, 'rows.tsv');
    const copyClient = await pool.connect();
    try {
      await pipeline(copyClient.query(copyTo('COPY chat.messages TO STDOUT')), fs.createWriteStream(tsv));
      await copyClient.query('CREATE TABLE public.bench_copy (LIKE chat.messages INCLUDING ALL)');
      const copy = async () => {
        await copyClient.query('TRUNCATE public.bench_copy');
        await copyClient.query('CHECKPOINT');
        const copyStarted = performance.now();
        await pipeline(fs.createReadStream(tsv, { highWaterMark: 1 << 20 }), copyClient.query(copyFrom('COPY public.bench_copy FROM STDIN')));
        return performance.now() - copyStarted;
      };
      const imports = [chatMs];
      const copies = [await copy()];
      line('raw COPY of the same rows (LIKE … INCLUDING ALL)', `${seconds(copies[0]!)} s  ${rate(chat.inserted, copies[0]!)} rows/s`);
      for (let round = 2; round <= rounds; round += 1) {
        await copyClient.query('TRUNCATE chat.messages, chat.pending_recalls');
        await copyClient.query('CHECKPOINT');
        imports.push((await timedImport(pool, logger)).phases.chat!);
        line(`round ${round}: chat import`, `${seconds(imports.at(-1)!)} s  ${rate(chat.inserted, imports.at(-1)!)} rows/s`);
        copies.push(await copy());
        line(`round ${round}: raw COPY`, `${seconds(copies.at(-1)!)} s  ${rate(chat.inserted, copies.at(-1)!)} rows/s`);
      }
      // import k ran between COPY k-1 and COPY k (the first import has only the COPY after it)
      const ratios = imports.map((ms, k) => (k === 0 ? copies[0]! : (copies[k - 1]! + copies[k]!) / 2) / ms);
      chatMs = median(imports);

      // the reading and parsing alone (what the writer waits on when the database is faster than the reader)
      const reader = await openLegacy(urlOf(sourceName));
      const readStarted = performance.now();
      await previewLegacyChat(urlOf(sourceName), await detectSchema(reader), pool);
      line('reading + parsing the original\'s chat alone (no writes)', `${seconds(performance.now() - readStarted)} s`);
      await reader.end();

      const again = await timedImport(pool, logger);
      line('rerun of the same database', `${seconds(again.totalMs)} s  nothing changed: ${again.report.nothingChanged}`);

      const ratio = median(ratios);
      const people = (['people', 'classes', 'students', 'guardianships'] as const).reduce((sum, group) => sum + first.phases[group]!, 0);
      console.log('\nResults (targets from the issue):');
      line('each import / the raw COPYs beside it', ratios.map((r) => `${r.toFixed(2)}×`).join(', '));
      line('median import / median raw COPY', `${seconds(chatMs)} s / ${seconds(median(copies))} s = ${(median(copies) / chatMs).toFixed(2)}×`);
      line(`legacy chat import / raw COPY (median of ${rounds})`, `${ratio.toFixed(2)}×   (target ≥ 0.70) ${ratio >= 0.7 ? 'PASS' : 'MISS'}`);
      line(`people, classes, students, links for ${ids} ids`, `${seconds(people)} s  (target: seconds)`);
      line('rerun changes nothing', again.report.nothingChanged ? 'PASS' : 'MISS');
    } finally {
      copyClient.release();
    }
  } finally {
    await pool.end();
    await source.end();
    fs.rmSync(workDir, { recursive: true, force: true });
    if (!values.keep) {
      await dropDatabase(targetName);
      await dropDatabase(sourceName);
    } else console.log(`kept ${targetName} and ${sourceName}`);
  }
}

await main();
