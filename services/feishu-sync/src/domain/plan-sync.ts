import { readDate, readLinkIds, readPhone, readText, type FeishuClient } from '@doitcrm/feishu';
import { beijingDay, recordKey, RECORD, STUDENT, type SyncTables } from './bitable-tables.ts';
import type { SourceRow } from './validate-rows.ts';

export interface PlannedStudent { userId: string; nickname: string; phone: string | null }
export interface ChangedStudent {
  recordId: string;
  userId: string;
  before: { nickname: string | null; phone: string | null };
  after: { nickname?: string; phone?: string };
}
export interface PlannedRecord { key: string; userId: string; course: string; studyDate: string }

/**
 * What a sync will do, computed from one read of both tables. Fixed into the run on its first attempt: the order of
 * the lists is the order of the batches, so a resumed run sends the same batches with the same client_tokens.
 */
export interface SyncPlan {
  batchSize: number;
  enteredAt: number;
  newStudents: PlannedStudent[];
  changedStudents: ChangedStudent[];
  newRecords: PlannedRecord[];
  skippedRecords: PlannedRecord[];
  /** rows repeating a learning record earlier in the same file */
  duplicateRows: number;
  /** existing students' record ids and link cells (as id lists), for links written whole */
  existing: Record<string, { recordId: string; links: string[] }>;
  reads: { students: number; records: number; pages: number };
}

/**
 * Reads both tables with our own page loop (packages/feishu: a failure on any page is thrown, never taken for the
 * end of the table — peer-lessons.md) and compares them with the export's good rows.
 */
export async function planSync(client: FeishuClient, tables: SyncTables, rows: readonly SourceRow[], batchSize: number, now = Date.now()): Promise<SyncPlan> {
  const existing: SyncPlan['existing'] = {};
  const current = new Map<string, { nickname: string | null; phone: string | null }>();
  let pages = 0;
  let studentCount = 0;
  for await (const page of client.searchPages(tables.students, { field_names: [STUDENT.userId, STUDENT.nickname, STUDENT.phone, STUDENT.records] })) {
    pages++;
    for (const record of page.records) {
      studentCount++;
      const userId = readText(record.fields[STUDENT.userId]);
      if (!userId || existing[userId]) continue;
      existing[userId] = { recordId: record.recordId, links: readLinkIds(record.fields[STUDENT.records]) };
      current.set(userId, { nickname: readText(record.fields[STUDENT.nickname]), phone: readPhone(record.fields[STUDENT.phone]) });
    }
  }
  const present = new Set<string>();
  let recordCount = 0;
  for await (const page of client.searchPages(tables.records, { field_names: [RECORD.userId, RECORD.course, RECORD.studyDate] })) {
    pages++;
    for (const record of page.records) {
      recordCount++;
      const userId = readText(record.fields[RECORD.userId]);
      const course = readText(record.fields[RECORD.course]);
      const date = readDate(record.fields[RECORD.studyDate]);
      if (userId && course && date !== null) present.add(recordKey(userId, course, beijingDay(date)));
    }
  }

  // the last row of a student decides their nickname and phone (a later purchase carries the newer ones)
  const latest = new Map<string, PlannedStudent>();
  for (const row of rows) latest.set(row.userId, { userId: row.userId, nickname: row.nickname, phone: row.phone ?? latest.get(row.userId)?.phone ?? null });
  const newStudents: PlannedStudent[] = [];
  const changedStudents: ChangedStudent[] = [];
  for (const student of latest.values()) {
    const known = existing[student.userId];
    if (!known) {
      newStudents.push(student);
      continue;
    }
    const before = current.get(student.userId)!;
    const after: ChangedStudent['after'] = {};
    if (student.nickname !== before.nickname) after.nickname = student.nickname;
    if (student.phone !== null && student.phone !== before.phone) after.phone = student.phone;
    if (Object.keys(after).length > 0) changedStudents.push({ recordId: known.recordId, userId: student.userId, before, after });
  }
  const newRecords: PlannedRecord[] = [];
  const skippedRecords: PlannedRecord[] = [];
  const planned = new Set<string>();
  let duplicateRows = 0;
  for (const row of rows) {
    const record = { key: recordKey(row.userId, row.course, row.studyDate), userId: row.userId, course: row.course, studyDate: row.studyDate };
    if (present.has(record.key)) skippedRecords.push(record);
    else if (planned.has(record.key)) duplicateRows++;
    else {
      planned.add(record.key);
      newRecords.push(record);
    }
  }
  // only the students this export touches: the plan is stored with the run
  const touched = Object.fromEntries([...latest.keys()].filter((id) => existing[id]).map((id) => [id, existing[id]!]));
  return {
    batchSize, enteredAt: now, newStudents, changedStudents, newRecords, skippedRecords, duplicateRows, existing: touched,
    reads: { students: studentCount, records: recordCount, pages },
  };
}
