import pg from 'pg';

export type LegacyVersion = 'v1' | 'v2' | 'both';
export type ChatSchema = 'public' | 'v2';

/** What an original DoitCRM database holds, as far as the import cares: which of its tables and columns exist. */
export interface LegacySchema {
  version: LegacyVersion;
  /** chat tables present, the one read first (public: the ETL's own target, where `--conflict update` fixes landed) first */
  chatTables: ChatSchema[];
  /** per chat table: created_at is `timestamp` without a zone (the ETL created the table), read as Beijing time */
  chatCreatedAtNaive: Partial<Record<ChatSchema, boolean>>;
  v1Mappings: boolean;
  /** `student_level` / `student_section` added by parent_multi_analyzer_schema.sql */
  v1LevelColumns: boolean;
  v2Mappings: boolean;
  students: boolean;
  /** the undeclared columns the original's importers added to v2.students by hand, those present */
  studentExtraColumns: string[];
  relations: boolean;
  /** hierarchy.sql: sections, levels, classes and students.class_id */
  hierarchy: boolean;
  dashboardViews: boolean;
  /** the schema holding parent_communication_analysis, when it exists */
  analysesSchema: string | null;
}

export const STUDENT_EXTRA_COLUMNS = ['phone', 'primary_guardian_type', 'parent_name', 'school', 'address', 'id_card'] as const;

/** The original database by host, port and name (never its password): what the import's links are keyed by. */
export function legacySourceName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/**
 * A connection that cannot write: every transaction on it is read-only, so no mistake here can change the original
 * (PostgreSQL refuses the write with "cannot execute … in a read-only transaction").
 */
export async function openLegacy(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'doitcrm-legacy-import', options: '-c default_transaction_read_only=on' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SET default_transaction_read_only = on');
  } catch (error) {
    await client.end();
    throw error;
  }
  return client;
}

/** Recognises the original's schema version from its catalogue: v1 (public only), v2, or both. */
export async function detectSchema(client: pg.Client): Promise<LegacySchema> {
  const { rows: tables } = await client.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'v2')`,
  );
  const { rows: columns } = await client.query<{ schema: string; table: string; name: string; type: string }>(
    `SELECT table_schema AS schema, table_name AS "table", column_name AS name, data_type AS type
     FROM information_schema.columns WHERE table_schema IN ('public', 'v2')`,
  );
  const has = (schema: string, name: string) => tables.some((table) => table.schema === schema && table.name === name);
  const column = (schema: string, table: string, name: string) => columns.find((c) => c.schema === schema && c.table === table && c.name === name);
  const chatTables = (['public', 'v2'] as const).filter((schema) => has(schema, 'wecom_chat_logs'));
  const chatCreatedAtNaive: LegacySchema['chatCreatedAtNaive'] = {};
  for (const schema of chatTables) chatCreatedAtNaive[schema] = column(schema, 'wecom_chat_logs', 'created_at')?.type === 'timestamp without time zone';
  const v1Mappings = Boolean(column('public', 'wecom_id_mappings', 'display_name'));
  const v2Mappings = has('v2', 'wecom_id_mappings');
  const v1Present = chatTables.includes('public') || v1Mappings;
  const v2Present = chatTables.includes('v2') || v2Mappings;
  const analysesSchema = has('v2', 'parent_communication_analysis') ? 'v2' : has('public', 'parent_communication_analysis') ? 'public' : null;
  return {
    version: v1Present && v2Present ? 'both' : v2Present ? 'v2' : 'v1',
    chatTables,
    chatCreatedAtNaive,
    v1Mappings,
    v1LevelColumns: Boolean(column('public', 'wecom_id_mappings', 'student_level')),
    v2Mappings,
    students: has('v2', 'students'),
    studentExtraColumns: STUDENT_EXTRA_COLUMNS.filter((name) => column('v2', 'students', name)),
    relations: has('v2', 'wecom_user_student_rel'),
    hierarchy: has('v2', 'sections') && has('v2', 'levels') && has('v2', 'classes') && Boolean(column('v2', 'students', 'class_id')),
    dashboardViews: has('v2', 'v_class_parent_comm_stats'),
    analysesSchema,
  };
}

/** The recognised version in words, for the preview and the report. */
export function describeSchema(schema: LegacySchema): string {
  const parts = [
    schema.version === 'v1' ? 'v1（仅 public）' : schema.version === 'v2' ? 'v2' : 'v1 + v2（两套都在）',
    schema.hierarchy ? '含 hierarchy.sql（段/阶/班级）' : '无 hierarchy.sql',
    schema.dashboardViews ? '含看板视图' : '无看板视图',
  ];
  if (schema.studentExtraColumns.length > 0) parts.push(`学生表手工加列：${schema.studentExtraColumns.join(', ')}`);
  if (schema.v1LevelColumns) parts.push('v1 映射含 student_level/student_section');
  if (schema.analysesSchema) parts.push(`含旧 AI 分析（${schema.analysesSchema}.parent_communication_analysis）`);
  return parts.join('；');
}
