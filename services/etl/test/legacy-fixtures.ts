import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serverUrl, withAdmin } from '@doitcrm/kit/testing';

/**
 * Original DoitCRM databases as the original's own SQL made them (spec §1): the ETL's public chat table with its
 * naive created_at, v1 mappings, migrate_legacy_to_v2.sql's v2 tables, hierarchy.sql, the dashboard views, the
 * analyser's table, and the columns the importers added to v2.students by hand.
 */
export const V1_CHAT = `CREATE TABLE public.wecom_chat_logs (
  msgid varchar(255) PRIMARY KEY, action varchar(50), msgtype varchar(50), msgtime timestamptz, from_user_id varchar(255),
  roomid varchar(255), tolist text[], content_payload jsonb, raw_data jsonb, created_at timestamp);
CREATE INDEX idx_logs_from ON public.wecom_chat_logs (from_user_id);`;

export const V1_MAPPINGS = `CREATE TABLE public.wecom_id_mappings (
  id serial PRIMARY KEY, id_type text NOT NULL, original_id text NOT NULL, display_name text, user_role text, notes text,
  student_name text, student_english_name text, student_class_room_id text, is_mapped boolean DEFAULT false,
  created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(), UNIQUE (id_type, original_id));
ALTER TABLE public.wecom_id_mappings ADD COLUMN student_level text, ADD COLUMN student_section text;`;

export const V2_CORE = `CREATE SCHEMA v2;
CREATE TABLE v2.wecom_chat_logs (
  msgid varchar(255) PRIMARY KEY, action varchar(50), msgtype varchar(50), msgtime timestamptz, from_user_id varchar(255),
  roomid varchar(255), tolist text[], content_payload jsonb, raw_data jsonb, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE v2.wecom_id_mappings (
  id serial PRIMARY KEY, id_type text NOT NULL, original_id text NOT NULL, wecom_nickname text, business_name text,
  user_role text CHECK (user_role IN ('parent', 'teacher', 'head_teacher', 'advisor')), notes text, profile jsonb NOT NULL DEFAULT '{}',
  is_mapped boolean DEFAULT false, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id_type, original_id));
CREATE TABLE v2.students (
  id serial PRIMARY KEY, name text NOT NULL, english_name text, class_room_id text, status text NOT NULL DEFAULT '在读',
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());`;

export const V2_RELATIONS_WITH_FKS = `CREATE TABLE v2.wecom_user_student_rel (
  wecom_id int NOT NULL REFERENCES v2.wecom_id_mappings (id), student_id int NOT NULL REFERENCES v2.students (id),
  relation text CHECK (relation IN ('mother', 'father', 'guardian', 'other')), is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz DEFAULT now(), PRIMARY KEY (wecom_id, student_id));`;

// hand-made databases lost the foreign keys (restored from a dump without constraints): links can point at nothing
export const V2_RELATIONS_WITHOUT_FKS = V2_RELATIONS_WITH_FKS.replace(' REFERENCES v2.wecom_id_mappings (id)', '').replace(' REFERENCES v2.students (id)', '');

export const HAND_ADDED_STUDENT_COLUMNS = `ALTER TABLE v2.students ADD COLUMN phone text, ADD COLUMN primary_guardian_type text,
  ADD COLUMN parent_name text, ADD COLUMN school text, ADD COLUMN address text, ADD COLUMN id_card text;`;

export const HIERARCHY = `CREATE TABLE v2.sections (id serial PRIMARY KEY, name text UNIQUE NOT NULL, code text UNIQUE NOT NULL, description text,
  sort_order int NOT NULL, is_active boolean DEFAULT true, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
CREATE TABLE v2.levels (id serial PRIMARY KEY, section_id int REFERENCES v2.sections (id) ON UPDATE CASCADE, name text UNIQUE NOT NULL,
  code text UNIQUE NOT NULL, description text, sort_order int NOT NULL, is_active boolean DEFAULT true, created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now());
CREATE TABLE v2.classes (id serial PRIMARY KEY, level_id int NOT NULL REFERENCES v2.levels (id), room_id text UNIQUE, name text NOT NULL,
  teacher_wecom_id text, head_teacher_wecom_id text, start_time text, end_time text, course_progress text, promotion text,
  max_students int, is_active boolean DEFAULT true, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
INSERT INTO v2.sections (name, code, sort_order) VALUES ('一段', 'section_1', 1), ('二段', 'section_2', 2), ('三段', 'section_3', 3);
INSERT INTO v2.levels (section_id, name, code, sort_order) VALUES (1, 'L1', 'level_1', 1), (1, 'L2', 'level_2', 2), (1, 'L3', 'level_3', 3),
  (2, 'L4', 'level_4', 4), (2, 'L5', 'level_5', 5), (3, 'L6', 'level_6', 6), (3, 'L7', 'level_7', 7);
ALTER TABLE v2.students ADD COLUMN class_id int REFERENCES v2.classes (id);`;

export const DASHBOARD_VIEWS = `CREATE VIEW v2.v_class_student_stats AS
  SELECT c.id AS class_id, c.name AS class_name, count(s.id) AS total_students FROM v2.classes c JOIN v2.students s ON s.class_id = c.id GROUP BY c.id;
CREATE VIEW v2.v_class_parent_comm_stats AS SELECT c.id AS class_id, c.name AS class_name FROM v2.classes c WHERE c.is_active;`;

export const ANALYSES = `CREATE TABLE public.parent_communication_analysis (
  id bigserial PRIMARY KEY, wechat_id text, analysis_date timestamptz DEFAULT now(), message_count int, direct_message_count int,
  group_message_count int, primary_concerns jsonb, emotional_tone jsonb, communication_style text, engagement_level text,
  auto_tags jsonb DEFAULT '[]', raw_analysis_text text, analysis_summary text, coze_bot_id text, created_at timestamptz DEFAULT now());`;

export interface LegacyDatabase {
  url: string;
  client: pg.Client;
  drop(): Promise<void>;
}

/** A throw-away original database with the given DDL and rows (named like the test databases, so stale ones are cleaned). */
export async function createLegacyDatabase(sql: string): Promise<LegacyDatabase> {
  const name = `doitcrm_test_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = serverUrl(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  return {
    url,
    client,
    drop: async () => {
      await client.end();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A chat row as the original's ETL wrote it: payload under the msgtype's key, raw_data the whole record. */
export function chatRow(table: 'public' | 'v2', record: Record<string, unknown>, createdAt = '2026-03-01 09:30:00'): string {
  const msgtype = String(record.msgtype ?? '');
  const quote = (value: unknown) => (value === null || value === undefined ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);
  const tolist = Array.isArray(record.tolist) ? `ARRAY[${(record.tolist as string[]).map(quote).join(',')}]::text[]` : "'{}'";
  const payload = record[msgtype] === undefined ? 'NULL' : `${quote(JSON.stringify(record[msgtype]))}::jsonb`;
  const msgtime = typeof record.msgtime === 'number' ? `to_timestamp(${record.msgtime} / 1000.0)` : 'NULL';
  return `INSERT INTO ${table}.wecom_chat_logs (msgid, action, msgtype, msgtime, from_user_id, roomid, tolist, content_payload, raw_data, created_at)
    VALUES (${quote(record.msgid)}, ${quote(record.action)}, ${quote(record.msgtype)}, ${msgtime}, ${quote(record.from)}, ${quote(record.roomid ?? '')},
    ${tolist}, ${payload}, ${quote(JSON.stringify(record))}::jsonb, ${quote(createdAt)});`;
}

export const textRecord = (msgid: string, from: string, to: string, content: string, roomid = '', msgtime = Date.UTC(2026, 2, 1, 1, 0)) => ({
  msgid, action: 'send', from, tolist: [to], roomid, msgtime, msgtype: 'text', text: { content },
});

/**
 * The v2 people (a mother of two, a teacher, a class group, a father) and two classes, one with its group and a teacher
 * typed by name; `mumProfile` is the mother's profile JSON.
 */
export const v2PeopleAndClasses = (mumProfile = '{}') => `INSERT INTO v2.wecom_id_mappings (id, id_type, original_id, wecom_nickname, business_name, user_role, notes, profile) VALUES
    (1, 'user_id', 'wmMum', '微信昵称', '小明小红妈妈', 'parent', '两个孩子', '${mumProfile}'),
    (2, 'user_id', 'zhanglaoshi', '张三', '张老师', 'teacher', NULL, '{}'),
    (3, 'room_id', 'wrL4', 'L4 群', 'L4 周六班群', NULL, NULL, '{}'),
    (4, 'user_id', 'wmDad', NULL, '小刚爸爸', 'parent', NULL, '{}');
  SELECT setval('v2.wecom_id_mappings_id_seq', 4);
  INSERT INTO v2.classes (id, level_id, room_id, name, teacher_wecom_id, head_teacher_wecom_id, start_time, course_progress) VALUES
    (1, 4, 'wrL4', 'L4 周六班', '张老师', '陈主任', '周六9:00', 'Unit 3'),
    (2, 1, NULL, 'L1 周日班', NULL, NULL, '周日10:00', NULL);`;

// a small original school: a mother of two, a father, a teacher typed by name into the class, a class group, a student in
// no class, and chat in both schemas (a 1:1 with the teacher and a message in the class group)
export const SMALL_SCHOOL = [
  V1_CHAT, V1_MAPPINGS, V2_CORE, V2_RELATIONS_WITH_FKS, HAND_ADDED_STUDENT_COLUMNS, HIERARCHY,
  chatRow('public', textRecord('school-1', 'wmMum', 'zhanglaoshi', '张老师好，小明这周六请假一次', '', Date.parse('2026-03-02T08:00:00+08:00')), '2026-03-02 08:00:01'),
  chatRow('v2', textRecord('school-2', 'zhanglaoshi', 'wmMum', '收到，周六的朗读作业补交即可', '', Date.parse('2026-03-02T08:05:00+08:00')), '2026-03-02 08:05:01+08'),
  chatRow('v2', textRecord('school-3', 'wmDad', 'zhanglaoshi', '小刚今天的绘本读完了', 'wrL4', Date.parse('2026-03-03T19:00:00+08:00')), '2026-03-03 19:00:01+08'),
  v2PeopleAndClasses(),
  `INSERT INTO v2.students (id, name, english_name, class_id, class_room_id, status, phone, primary_guardian_type, parent_name) VALUES
    (1, '王小明', 'Tom', 1, 'wrL4', '在读', '13800001111', '妈妈', '李丽'),
    (2, '王小红', NULL, 2, NULL, '在读', '13800001111', '妈妈', '李丽'),
    (3, '赵小刚', NULL, 1, 'wrL4', '在读', NULL, NULL, NULL),
    (4, '孙无班', NULL, NULL, NULL, '在读', NULL, NULL, NULL);
  INSERT INTO v2.wecom_user_student_rel (wecom_id, student_id, relation, is_primary) VALUES (1, 1, 'mother', true), (1, 2, 'mother', false), (4, 3, 'father', true);`,
].join('\n');
