// The feishu-sync part of `npm run faults`: a 小鹅通 export synced into the Bitable fake while a fault strikes, then
// counted in the fake the way the other effects are — a learning record or student of the export missing is lost;
// one present twice (same 用户ID + 课程 + 学习日期, or same 用户ID), or a batch created under a second client_token,
// is duplicated.
import { createFeishuFake, RECORD_FIELDS, STUDENT_FIELDS, type FeishuFake } from '@doitcrm/fakes';
import type { Tally } from './faults-checks.ts';
import type { Api } from './faults-workload.ts';

/** small batches and a slow write, so a sync of the round's export takes long enough to be struck mid-way */
export const FEISHU_FAULT_BATCH = 50;
const STUDENTS = 600;
const ROWS = 2_000;

export interface StartedFeishu {
  fake: FeishuFake;
  url: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startFaultsFeishu(): Promise<StartedFeishu> {
  const fake = createFeishuFake({ writeLatencyMs: 50, demo: { students: 40 } });
  const server = await fake.listen(0, '127.0.0.1');
  return {
    fake, url: server.url, close: server.close,
    env: {
      FEISHU_BASE_URL: server.url, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_APP_TOKEN: fake.demo.appToken,
      FEISHU_STUDENTS_TABLE_ID: fake.demo.studentsTableId, FEISHU_RECORDS_TABLE_ID: fake.demo.recordsTableId,
      FEISHU_SYNC_BATCH_SIZE: String(FEISHU_FAULT_BATCH),
    },
  };
}

export interface FeishuWork {
  prefix: string;
  jobId: string;
  /** client tokens the fake had answered before the run */
  tokensBefore: number;
}

const userId = (prefix: string, s: number) => `u_${prefix}_${s}`;

/** Uploads the round's export (new students only, every row a new learning record) and starts its sync. */
export async function submitFeishuSync(api: Api, feishu: StartedFeishu, round: number): Promise<FeishuWork> {
  const prefix = `faults${round}`;
  const lines = ['用户ID,昵称,手机号,课程,学习日期'];
  for (let i = 0; i < ROWS; i++) {
    const s = i % STUDENTS;
    lines.push(`${userId(prefix, s)},学员${s},1990${String(s).padStart(7, '0')},课程${Math.floor(i / STUDENTS)},2025-10-01`);
  }
  const response = await api.request('feishu-sync', '/api/uploads', {
    method: 'POST', body: (() => { const form = new FormData(); form.append('file', new Blob([`${lines.join('\r\n')}\r\n`]), 'faults.csv'); return form; })(),
  });
  if (response.status !== 201) throw new Error(`feishu-sync upload answered ${response.status}: ${await response.text()}`);
  const { uploadId } = await response.json() as { uploadId: number };
  const tokensBefore = feishu.fake.state.clientTokens.size;
  const jobId = await api.submit('feishu-sync', '/api/runs', () => JSON.stringify({ uploadId }), 'application/json');
  return { prefix, jobId, tokensBefore };
}

function rowsOf(feishu: StartedFeishu, prefix: string) {
  const base = feishu.fake.state.bases.get(feishu.fake.demo.appToken)!;
  const records = [...base.tables.get(feishu.fake.demo.recordsTableId)!.records.values()]
    .filter((r) => String(r.cells.get(RECORD_FIELDS.userId)).startsWith(`u_${prefix}_`));
  const students = [...base.tables.get(feishu.fake.demo.studentsTableId)!.records.values()]
    .filter((r) => String(r.cells.get(STUDENT_FIELDS.userId)).startsWith(`u_${prefix}_`));
  return { records, students };
}

/** The sync has written at least two batches of learning records: a fault now strikes it mid-way. */
export function feishuUnderWay(feishu: StartedFeishu, work: FeishuWork): boolean {
  const { records } = rowsOf(feishu, work.prefix);
  return records.length >= 2 * FEISHU_FAULT_BATCH && records.length < ROWS;
}

export function countFeishu(feishu: StartedFeishu, work: FeishuWork): Tally {
  const tally: Tally = { lost: 0, duplicated: 0, notes: [] };
  const { records, students } = rowsOf(feishu, work.prefix);
  const byKey = new Map<string, number>();
  for (const r of records) {
    const key = [RECORD_FIELDS.userId, RECORD_FIELDS.course, RECORD_FIELDS.studyDate].map((f) => String(r.cells.get(f))).join('|');
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const byUser = new Map<string, number>();
  for (const s of students) byUser.set(String(s.cells.get(STUDENT_FIELDS.userId)), (byUser.get(String(s.cells.get(STUDENT_FIELDS.userId))) ?? 0) + 1);
  const note = (kind: 'lost' | 'duplicated', count: number, what: string) => {
    if (count <= 0) return;
    tally[kind] += count;
    tally.notes.push(`${kind} ${count}: ${what}`);
  };
  note('lost', ROWS - byKey.size, 'Feishu learning records of the export not in the base');
  note('lost', STUDENTS - byUser.size, 'Feishu students of the export not in the base');
  note('duplicated', [...byKey.values()].reduce((sum, n) => sum + n - 1, 0), 'Feishu learning records present twice');
  note('duplicated', [...byUser.values()].reduce((sum, n) => sum + n - 1, 0), 'Feishu students present twice');
  const batches = Math.ceil(STUDENTS / FEISHU_FAULT_BATCH) + Math.ceil(ROWS / FEISHU_FAULT_BATCH);
  note('duplicated', feishu.fake.state.clientTokens.size - work.tokensBefore - batches, 'Feishu batches created under a second client_token');
  return tally;
}
