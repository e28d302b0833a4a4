import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import { ANALYSES, V1_CHAT, V1_MAPPINGS, chatRow, createLegacyDatabase, textRecord, type LegacyDatabase } from './legacy-fixtures.ts';

const db = useTestDatabase({ max: 4 });
const logger = createLogger({ service: 'legacy-test', level: 'silent' });
let legacy: LegacyDatabase;

// a v1-only school: the ETL's public table and the v1 mapper's table with Chinese role names and the child on the parent's row
beforeAll(async () => {
  legacy = await createLegacyDatabase([
    V1_CHAT, V1_MAPPINGS, ANALYSES,
    chatRow('public', textRecord('v1-m1', 'wmMum', 'zhanglaoshi', '老师好')),
    chatRow('public', textRecord('v1-m2', 'zhanglaoshi', 'wmMum', '收到', 'wrClassA')),
    chatRow('public', { msgid: 'v1-doc', action: 'send', from: 'zhanglaoshi', tolist: ['wmMum'], roomid: '', msgtime: Date.UTC(2026, 2, 1, 2), msgtype: 'docmsg', doc: { title: '课表', link_url: 'https://doc' } }),
    chatRow('public', { msgid: 'v1-revoke', action: 'recall', from: 'wmMum', tolist: ['zhanglaoshi'], roomid: '', msgtime: Date.UTC(2026, 2, 1, 3), msgtype: 'revoke', revoke: { pre_msgid: 'v1-m1' } }),
    chatRow('public', { msgid: 'v1-bad', action: 'send', from: 'wmMum', tolist: ['zhanglaoshi'], roomid: '', msgtype: 'text', text: { content: '没有时间' } }),
    `INSERT INTO public.wecom_id_mappings (id_type, original_id, display_name, user_role, notes, student_name, student_english_name, student_class_room_id, student_level, student_section) VALUES
      ('user_id', 'wmMum', '小明妈妈', '家长', '周末联系', '王小明', 'Tom', 'wrClassA', 'L2', '一段'),
      ('user_id', 'zhanglaoshi', '张老师', '老师', NULL, NULL, NULL, NULL, NULL, NULL),
      ('user_id', 'lizhuren', '李主任', '班主任', NULL, NULL, NULL, NULL, NULL, NULL),
      ('user_id', 'wangguwen', '王顾问', '服务顾问', NULL, NULL, NULL, NULL, NULL, NULL),
      ('user_id', 'wmOdd', '某人', '校长', NULL, NULL, NULL, NULL, NULL, NULL),
      ('room_id', 'wrClassA', 'L2 周六班', NULL, NULL, NULL, NULL, NULL, 'L2', NULL),
      ('user_id', '', '空 ID', '家长', NULL, NULL, NULL, NULL, NULL, NULL);`,
    `INSERT INTO public.parent_communication_analysis (wechat_id, message_count, analysis_summary, auto_tags) VALUES
      ('wmMum', 12, '关注孩子口语', '["口语"]'), (NULL, 3, '无主的分析', '[]');`,
  ].join('\n'));
});
afterAll(async () => { await legacy?.drop(); });

describe('legacy import of a v1-only database', () => {
  it('when a v1 database is imported, then every row lands or is reported with its reason, and a rerun changes nothing', async () => {
    const first = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null }, { pool: db.pool, logger });

    expect(first.schema.version).toBe('v1');
    expect(first.groups.chat).toMatchObject({ read: 5, inserted: 4, skipped: 1 });
    expect(first.problems).toContainEqual(expect.objectContaining({ table: 'public.wecom_chat_logs', key: 'v1-bad', reason: expect.stringMatching(/msgtime/) }));
    const { rows: messages } = await db.pool.query(
      `SELECT msgid, room_id, payload, recalled_by, ingested_at FROM chat.messages WHERE msgid LIKE 'v1-%' ORDER BY msgid`);
    const byId = Object.fromEntries(messages.map((row) => [row.msgid, row]));
    expect(byId['v1-m1'].room_id).toBeNull();
    expect(byId['v1-m1'].recalled_by).toBe('v1-revoke');
    expect(byId['v1-m2'].room_id).toBe('wrClassA');
    expect(byId['v1-doc'].payload).toMatchObject({ title: '课表' });
    // created_at '2026-03-01 09:30:00' without a zone is Beijing time: 01:30 UTC
    expect(byId['v1-m1'].ingested_at.toISOString()).toBe('2026-03-01T01:30:00.000Z');

    expect(first.groups.people).toMatchObject({ read: 7, inserted: 6, skipped: 1 });
    const { rows: people } = await db.pool.query(`SELECT original_id, user_role, wecom_nickname, notes, profile FROM crm.identities ORDER BY original_id`);
    const role = Object.fromEntries(people.map((row) => [row.original_id, row.user_role]));
    expect(role).toMatchObject({ wmMum: 'parent', zhanglaoshi: 'teacher', lizhuren: 'head_teacher', wangguwen: 'advisor', wmOdd: null, wrClassA: null });
    expect(people.find((row) => row.original_id === 'wmMum')).toMatchObject({ wecom_nickname: '小明妈妈', notes: '周末联系', profile: { student_level: 'L2', student_section: '一段' } });
    expect(first.problems).toContainEqual(expect.objectContaining({ key: 'wmOdd', reason: expect.stringMatching(/校长/) }));

    const { rows: links } = await db.pool.query(
      `SELECT s.name, s.english_name, g.relation, g.is_primary, c.room_id, c.name AS class_name, l.name AS level
       FROM crm.guardianships g JOIN crm.identities i ON i.id = g.identity_id JOIN crm.students s ON s.id = g.student_id
       JOIN crm.enrolments e ON e.student_id = s.id JOIN crm.classes c ON c.id = e.class_id JOIN crm.levels l ON l.id = c.level_id WHERE i.original_id = 'wmMum'`);
    expect(links).toEqual([{ name: '王小明', english_name: 'Tom', relation: 'other', is_primary: true, room_id: 'wrClassA', class_name: 'L2 周六班', level: 'L2' }]);

    expect(first.groups.analyses).toMatchObject({ read: 2, inserted: 1, skipped: 1 });
    const { rows: analyses } = await db.pool.query(`SELECT original_id, summary, details->'auto_tags' AS tags FROM insight.imported_analyses`);
    expect(analyses).toEqual([{ original_id: 'wmMum', summary: '关注孩子口语', tags: ['口语'] }]);

    const second = await runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy: false, cipher: null }, { pool: db.pool, logger });

    expect(second.nothingChanged).toBe(true);
    expect(second.groups.chat).toMatchObject({ read: 5, inserted: 0, unchanged: 4 });
    const { rows: [counts] } = await db.pool.query(
      `SELECT (SELECT count(*) FROM crm.students)::int AS students, (SELECT count(*) FROM crm.classes WHERE room_id = 'wrClassA')::int AS classes,
              (SELECT count(*) FROM crm.guardianships)::int AS links, (SELECT count(*) FROM insight.imported_analyses)::int AS analyses`);
    expect(counts).toEqual({ students: 1, classes: 1, links: 1, analyses: 1 });
    const { rows: runs } = await db.pool.query(`SELECT origin, status, report IS NOT NULL AS has_report FROM chat.import_runs ORDER BY id`);
    expect(runs).toEqual([{ origin: 'legacy', status: 'succeeded', has_report: true }, { origin: 'legacy', status: 'succeeded', has_report: true }]);
  });

  it('when the import runs, then the original database is opened read-only and never written', async () => {
    const { rows: [before] } = await legacy.client.query(`SELECT (SELECT count(*) FROM public.wecom_chat_logs)::int AS chat, (SELECT count(*) FROM public.wecom_id_mappings)::int AS mappings`);
    const { openLegacy } = await import('../src/legacy/legacy-source.ts');
    const reader = await openLegacy(legacy.url);
    try {
      await expect(reader.query(`DELETE FROM public.wecom_chat_logs`)).rejects.toThrow(/read-only/);
    } finally {
      await reader.end();
    }
    const { rows: [after] } = await legacy.client.query(`SELECT (SELECT count(*) FROM public.wecom_chat_logs)::int AS chat, (SELECT count(*) FROM public.wecom_id_mappings)::int AS mappings`);
    expect(after).toEqual(before);
  });
});

describe('legacy chat rows without raw_data', () => {
  it('when a row of the original has no raw_data, then it is rebuilt from its columns and loads', async () => {
    const other = await createLegacyDatabase([V1_CHAT,
      `INSERT INTO public.wecom_chat_logs (msgid, action, msgtype, msgtime, from_user_id, roomid, tolist, content_payload, raw_data, created_at)
       VALUES ('noraw-1', 'send', 'text', '2026-03-05 10:00+08', 'wmX', '', ARRAY['teacherY'], '{"content": "只有列"}', NULL, '2026-03-05 10:00:01')`].join('\n'));
    try {
      const report = await runLegacyImport({ fromUrl: other.url, mode: 'import', preferLegacy: false, cipher: null }, { pool: db.pool, logger });

      expect(report.groups.chat).toMatchObject({ read: 1, inserted: 1, skipped: 0 });
      const { rows } = await db.pool.query(`SELECT room_id, to_ids, payload, msgtime FROM chat.messages WHERE msgid = 'noraw-1'`);
      expect(rows).toEqual([{ room_id: null, to_ids: ['teacherY'], payload: { content: '只有列' }, msgtime: new Date('2026-03-05T02:00:00Z') }]);
    } finally {
      await other.drop();
    }
  });
});
