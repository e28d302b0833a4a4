import type pg from 'pg';
import { enqueueEvent, withTransaction, type Logger, type Pool, type PoolClient } from '@doitcrm/kit';
import { readSettings } from '@doitcrm/roster/src/data-access/settings-repository.ts';
import type { NationalIdCipher } from '@doitcrm/roster/src/domain/national-id.ts';
import { createRun, finishRun, saveRunReport } from '../data-access/import-run-repository.ts';
import { mergePendingIndexEntries } from '../data-access/index-maintenance.ts';
import { previewLegacyChat, writeLegacyChat } from './legacy-chat.ts';
import { importPeople } from './legacy-people.ts';
import { importClasses } from './legacy-classes.ts';
import { importStudents } from './legacy-students.ts';
import { importGuardianships } from './legacy-guardianships.ts';
import { GroupTally, type GroupName, type LegacyReport } from './legacy-report.ts';
import { describeSchema, detectSchema, legacySourceName, openLegacy, type LegacySchema } from './legacy-source.ts';

export interface LegacyImportOptions {
  fromUrl: string;
  mode: 'preview' | 'import';
  preferLegacy: boolean;
  /** the roster's key for children's ID numbers; without it they are counted and dropped */
  cipher: NationalIdCipher | null;
}

export interface LegacyProgress { phase: GroupName; done: number; total: number }

const BOTH_SCHEMAS = 'public ∩ v2 (同一 msgid，按一条导入)';

async function tableCounts(legacy: pg.Client, schema: LegacySchema): Promise<Record<string, number>> {
  const tables = [
    ...schema.chatTables.map((s) => `${s}.wecom_chat_logs`),
    ...(schema.v1Mappings ? ['public.wecom_id_mappings'] : []), ...(schema.v2Mappings ? ['v2.wecom_id_mappings'] : []),
    ...(schema.students ? ['v2.students'] : []), ...(schema.relations ? ['v2.wecom_user_student_rel'] : []),
    ...(schema.hierarchy ? ['v2.sections', 'v2.levels', 'v2.classes'] : []),
    ...(schema.analysesSchema ? [`${schema.analysesSchema}.parent_communication_analysis`] : []),
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await legacy.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  if (schema.chatTables.length === 2) {
    counts[BOTH_SCHEMAS] = Number((await legacy.query<{ n: string }>(
      'SELECT count(*) AS n FROM public.wecom_chat_logs p JOIN v2.wecom_chat_logs v USING (msgid)')).rows[0]!.n);
  }
  return counts;
}

/** The original's per-parent AI analyses, kept beside the person as imported history (never as this suite's summaries). */
async function importAnalyses(legacy: pg.Client, schema: LegacySchema, client: PoolClient, source: string): Promise<GroupTally> {
  const tally = new GroupTally('analyses');
  if (!schema.analysesSchema) return tally;
  const { rows } = await legacy.query<{ id: string; wechat_id: string | null; analysis_date: Date | null; message_count: number | null; analysis_summary: string | null; details: unknown }>(
    `SELECT id, wechat_id, analysis_date, message_count, analysis_summary, to_jsonb(a) - 'id' AS details FROM ${schema.analysesSchema}.parent_communication_analysis a ORDER BY id`);
  for (const row of rows) {
    tally.counts.read += 1;
    if (!row.wechat_id?.trim()) {
      tally.skip(`${schema.analysesSchema}.parent_communication_analysis`, row.id, '没有 wechat_id，无法归到人 (no wechat_id)');
      continue;
    }
    const { rowCount } = await client.query(
      `INSERT INTO insight.imported_analyses (original_id, analysis_date, message_count, summary, details, source, legacy_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, legacy_id) DO NOTHING`,
      [row.wechat_id.trim(), row.analysis_date, row.message_count, row.analysis_summary, JSON.stringify(row.details), source, row.id]);
    if (rowCount) tally.counts.inserted += 1;
    else tally.counts.unchanged += 1;
  }
  return tally;
}

/** The run's name in the history, without the '/' the page would cut a path at: 旧版 DoitCRM wechat_db@host:5432 */
function runLabel(source: string): string {
  const slash = source.indexOf('/');
  return `旧版 DoitCRM ${source.slice(slash + 1)}@${source.slice(0, slash)}`;
}

function absorb(report: LegacyReport, tally: GroupTally): void {
  report.groups[tally.group] = tally.counts;
  report.problems.push(...tally.problems);
  report.conflicts.push(...tally.conflicts);
}

/**
 * Previews or imports an original DoitCRM database. Chat logs go through the ETL's writer in committed chunks like an
 * archive file; then people, classes, students and their links, and old analyses, each group in one transaction (a
 * failure leaves every group whole). A preview reads the chat without writing and runs the other groups in one
 * transaction it rolls back: its counts are what an import would do. The original is only ever read.
 */
export async function runLegacyImport(options: LegacyImportOptions, deps: { pool: Pool; logger: Logger }, onProgress?: (progress: LegacyProgress) => void): Promise<LegacyReport> {
  const source = legacySourceName(options.fromUrl);
  const legacy = await openLegacy(options.fromUrl);
  try {
    const schema = await detectSchema(legacy);
    const report: LegacyReport = {
      source, mode: options.mode, preferLegacy: options.preferLegacy, schema, schemaDescription: describeSchema(schema),
      tableCounts: await tableCounts(legacy, schema), groups: {}, problems: [], conflicts: [], nationalIdsDropped: 0, runId: null, nothingChanged: false,
    };
    // a msgid in both schemas is read once
    const chatTotal = schema.chatTables.reduce((sum, table) => sum + (report.tableCounts[`${table}.wecom_chat_logs`] ?? 0), 0) - (report.tableCounts[BOTH_SCHEMAS] ?? 0);
    const run = options.mode === 'import'
      ? await createRun(deps.pool, { source: runLabel(source), origin: 'legacy', conflictMode: 'skip' })
      : null;
    report.runId = run?.id ?? null;
    try {
      const chat = new GroupTally('chat');
      if (run) {
        const totals = await writeLegacyChat(options.fromUrl, schema, deps.pool, run.id, (counts) => onProgress?.({ phase: 'chat', done: counts.lines, total: chatTotal }));
        Object.assign(chat.counts, { read: totals.lines, inserted: totals.inserted, unchanged: totals.unchanged, skipped: totals.quarantined });
        const { rows } = await deps.pool.query<{ line_no: string; source: string; reason: string; raw_text: string }>(
          'SELECT line_no, source, reason, raw_text FROM chat.quarantine WHERE run_id = $1 ORDER BY id', [run.id]);
        for (const row of rows) chat.problems.push({ group: 'chat', table: row.source, key: /"msgid"\s*:\s*"([^"]*)"/.exec(row.raw_text)?.[1] ?? `#${row.line_no}`, reason: row.reason });
        await mergePendingIndexEntries(deps.pool, deps.logger);
        report.groups.chat = chat.counts;
        report.problems.push(...chat.problems);
      } else {
        const preview = await previewLegacyChat(options.fromUrl, schema, deps.pool);
        Object.assign(chat.counts, { read: preview.counts.lines, inserted: preview.counts.inserted, unchanged: preview.counts.unchanged, skipped: preview.counts.quarantined });
        for (const line of preview.quarantined) chat.problems.push({ group: 'chat', table: line.table, key: line.msgid, reason: line.reason });
        absorb(report, chat);
      }
      await runGroups(legacy, schema, report, options, deps.pool, source, onProgress);
      const changed = Object.values(report.groups).some((counts) => counts.inserted + counts.updated > 0);
      report.nothingChanged = !changed;
      if (run) {
        await withTransaction(deps.pool, async (client) => {
          await saveRunReport(client, run.id, report);
          const done = await finishRun(client, run.id, { status: 'succeeded' });
          if (done.inserted > 0) {
            await enqueueEvent(client, 'chat.ingested', { runId: run.id, inserted: done.inserted, updated: 0, minMsgtime: done.minMsgtime, maxMsgtime: done.maxMsgtime });
          }
        });
      }
      return report;
    } catch (error) {
      if (run) {
        await withTransaction(deps.pool, async (client) => {
          await saveRunReport(client, run.id, report);
          const done = await finishRun(client, run.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
          if (done.inserted > 0) await enqueueEvent(client, 'chat.ingested', { runId: run.id, inserted: done.inserted, updated: 0, minMsgtime: done.minMsgtime, maxMsgtime: done.maxMsgtime });
        }).catch(() => {});
      }
      throw error;
    }
  } finally {
    await legacy.end().catch(() => {});
  }
}

/** People, classes, students, links and analyses: each group one transaction, committed on import, rolled back on preview. */
async function runGroups(
  legacy: pg.Client, schema: LegacySchema, report: LegacyReport, options: LegacyImportOptions, pool: Pool, source: string,
  onProgress?: (progress: LegacyProgress) => void,
): Promise<void> {
  const client = await pool.connect();
  const preview = options.mode === 'preview';
  // on import each group commits on its own; a preview runs them all in one transaction rolled back at the end, so
  // later groups see what earlier ones would write (a student's class, a link's parent) and its counts are the import's
  const inner = async <T>(phase: GroupName, work: () => Promise<T>): Promise<T> => {
    onProgress?.({ phase, done: 0, total: 1 });
    if (!preview) await client.query('BEGIN');
    try {
      const result = await work();
      if (!preview) await client.query('COMMIT');
      onProgress?.({ phase, done: 1, total: 1 });
      return result;
    } catch (error) {
      if (!preview) await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  };
  try {
    if (preview) await client.query('BEGIN');
    try {
      const people = await inner('people', () => importPeople(legacy, schema, client, { preferLegacy: options.preferLegacy }));
      absorb(report, people.tally);
      const classes = await inner('classes', () => importClasses(legacy, schema, client, people.v1Rows, { source, preferLegacy: options.preferLegacy }));
      absorb(report, classes.tally);
      const settings = await readSettings(client);
      const students = await inner('students', () => importStudents(legacy, schema, client, classes.classes, people.v1Rows, {
        source, preferLegacy: options.preferLegacy, cipher: options.cipher, storeNationalIds: settings.storeNationalId,
      }));
      absorb(report, students.tally);
      report.nationalIdsDropped = students.nationalIdsDropped;
      const links = await inner('guardianships', async () => {
        const tally = await importGuardianships(legacy, schema, client, source, students.students, people.v2Ids, people.v1Rows);
        const touched = [classes.tally, students.tally, tally].some((group) => group.counts.inserted + group.counts.updated > 0);
        // the dashboard recounts its classes, like after a roster import (classes and students are committed by now)
        if (touched) {
          await enqueueEvent(client, 'roster.changed', {
            reason: 'import', importId: null, classIds: [...new Set([...classes.classes.byLegacyId.values(), ...classes.classes.byRoom.values()])],
            studentIds: [...new Set(students.students.values())], userId: null,
          });
        }
        return tally;
      });
      absorb(report, links);
      absorb(report, await inner('analyses', () => importAnalyses(legacy, schema, client, source)));
    } finally {
      if (preview) await client.query('ROLLBACK').catch(() => {});
    }
  } finally {
    client.release();
  }
}
