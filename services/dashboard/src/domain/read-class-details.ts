import { NotFoundError, type Queryable } from '@doitcrm/kit';
import type { ClassDetails, DashboardSettings, DayWindow, StudentDetail } from '../contract.ts';
import { readClassDaily, readClassGuardians, readResponseStats } from '../data-access/class-detail-repository.ts';
import { readClassStats } from '../data-access/class-stats-repository.ts';
import { toClassStats } from './class-list.ts';
import { messagesUrl, roomQuery, userQuery } from './messages-link.ts';

const DAY_MS = 86_400_000;
const RELATIONS: Record<string, string> = { mother: '妈妈', father: '爸爸', guardian: '监护人', other: '家长' };

type Origin = { protocol: string; hostname: string };

/** One class: its numbers, every student with every guardian, response times and the daily chart of the window. */
export async function readClassDetails(db: Queryable, settings: DashboardSettings, classId: number, window: DayWindow, origin: Origin, messagesPort?: number): Promise<ClassDetails> {
  const [row] = await readClassStats(db, { window, rule: settings.engagement, silentDays: settings.silentDays, filter: { classId } });
  if (!row) throw new NotFoundError(`班级 ${classId} 不存在或已停用`);
  const [guardians, daily, responses] = await Promise.all([
    readClassGuardians(db, classId, window),
    readClassDaily(db, classId, window, settings.engagement),
    readResponseStats(db, window, [classId]),
  ]);
  const now = Date.now();
  const students: StudentDetail[] = [];
  for (const guardian of guardians) {
    let student: StudentDetail | undefined = students.at(-1);
    if (!student || student.studentId !== guardian.studentId) {
      student = { studentId: guardian.studentId, name: guardian.studentName, englishName: guardian.englishName, status: guardian.status, guardians: [] };
      students.push(student);
    }
    if (guardian.parentId) {
      student.guardians.push({
        parentId: guardian.parentId,
        name: guardian.parentName ?? guardian.parentId,
        relation: RELATIONS[guardian.relation ?? 'other'] ?? '家长',
        isPrimary: guardian.isPrimary,
        groupMessages: guardian.groupMessages,
        directMessages: guardian.directMessages,
        staffReplies: guardian.staffReplies,
        lastContactAt: guardian.lastContactAt?.toISOString() ?? null,
        daysSinceContact: guardian.lastContactAt ? Math.floor((now - guardian.lastContactAt.getTime()) / DAY_MS) : null,
        messagesUrl: messagesUrl(origin, userQuery(guardian.parentId), messagesPort)!,
      });
    }
  }
  const slow = (median: number | null) => median !== null && median > settings.slowResponseMinutes;
  const total = responses.find((response) => response.teacherId === null);
  const stats = toClassStats(row, settings);
  return {
    window,
    class: {
      ...stats,
      startTime: row.startTime,
      endTime: row.endTime,
      courseProgress: row.courseProgress,
      promotion: row.promotion,
      roomUrl: row.roomId ? messagesUrl(origin, roomQuery(row.roomId), messagesPort) : null,
    },
    students,
    responses: {
      waits: total?.waits ?? 0,
      answered: total?.answered ?? 0,
      unanswered: (total?.waits ?? 0) - (total?.answered ?? 0),
      medianMinutes: total?.medianMinutes ?? null,
      slow: slow(total?.medianMinutes ?? null),
    },
    teachers: responses
      .filter((response) => response.teacherId !== null)
      .map((response) => ({
        teacherId: response.teacherId!, name: response.teacherName ?? response.teacherId!, waits: response.waits, answered: response.answered,
        unanswered: response.waits - response.answered, medianMinutes: response.medianMinutes, slow: slow(response.medianMinutes),
      }))
      .sort((a, b) => b.waits - a.waits),
    daily,
  };
}
