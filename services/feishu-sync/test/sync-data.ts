import { exportCsv, fakeRecords, fakeStudents, type FakeFeishu } from './feishu-fixture.ts';

const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
export const HEADER = ['用户ID', '昵称', '手机号', '课程', '学习日期'];

/**
 * An export against the fake's demo base: one learning record already present (skipped), a new course for an existing
 * student (their link cell must keep the old links), a renamed existing student with a new course, and `newStudents`
 * new students with one record each (the first has two). Which demo students it uses is picked by `offset`.
 */
export function buildExport(f: FakeFeishu, prefix: string, offset: number, newStudents = 12) {
  const students = fakeStudents(f).sort((a, b) => a.userId.localeCompare(b.userId));
  const [kept, renamed] = [students[offset]!, students[offset + 1]!];
  const present = fakeRecords(f).find((r) => r.userId === kept.userId)!;
  const rows: string[][] = [
    [kept.userId, kept.nickname, kept.phone ?? '', present.course, beijingDay(present.studyDate)],
    [kept.userId, kept.nickname, kept.phone ?? '', `${prefix}-新课`, '2025-06-01'],
    [renamed.userId, `${renamed.nickname}-改`, renamed.phone ?? '', `${prefix}-新课`, '2025-06-02'],
  ];
  for (let i = 0; i < newStudents; i++) {
    const phone = `1990009${String(offset).padStart(2, '0')}${String(i).padStart(2, '0')}`;
    rows.push([`u_${prefix}_${i}`, `${prefix}学员${i}`, phone, '非暴力沟通入门课', `2025-07-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`]);
  }
  rows.push([`u_${prefix}_0`, `${prefix}学员0`, '', '亲子沟通工作坊', '2025/8/1']);
  return {
    csv: Buffer.from(exportCsv(HEADER, rows)),
    kept, renamed,
    expected: { newStudents, changedStudents: 1, newRecords: newStudents + 3, skippedRecords: 1 },
  };
}
