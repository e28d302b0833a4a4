import type { Queryable } from '@doitcrm/kit';
import type { AggregateResponse, AggregatedPerson, MessageView, Person } from '../contract.ts';
import { messagesOfPeople, roomNames } from '../data-access/cohort-repository.ts';
import type { TimeWindow } from '../data-access/conversation-repository.ts';
import { findPeople } from '../data-access/person-repository.ts';
import { aggregateText } from './aggregate-text.ts';
import { formatLocalTime } from './beijing-time.ts';
import { contentLine } from './render-message.ts';

export interface AggregateResult extends AggregateResponse {
  rooms: Map<string, string>;
}

/**
 * A cohort's messages in the window: per person the newest `perPerson` (older ones dropped when truncating, and
 * the count says so), people with the most messages first, and the transcript text. Ids never seen are skipped.
 */
export async function aggregateCohort(db: Queryable, ids: string[], window: TimeWindow, perPerson: number, timezone: string): Promise<AggregateResult> {
  const unique = [...new Set(ids)];
  const [people, messages] = await Promise.all([findPeople(db, unique), messagesOfPeople(db, unique, window, perPerson)]);
  const aggregated: AggregatedPerson[] = [];
  for (const id of unique) {
    const found = messages.get(id);
    if (!found || found.total === 0) continue;
    const person: Person = people.get(id) ?? { id, displayName: id, businessName: null, nickname: null, role: null, idKind: 'unknown', students: [] };
    aggregated.push({ person, total: found.total, messages: found.messages });
  }
  aggregated.sort((a, b) => b.total - a.total || a.person.displayName.localeCompare(b.person.displayName, 'zh-CN'));
  const roomIds = [...new Set(aggregated.flatMap((entry) => entry.messages.map((message) => message.roomId).filter((id): id is string => id !== null)))];
  const rooms = roomIds.length ? await roomNames(db, roomIds) : new Map<string, string>();
  return {
    totalUsers: aggregated.length,
    totalMessages: aggregated.reduce((sum, entry) => sum + entry.messages.length, 0),
    maxMessagesPerUser: perPerson,
    people: aggregated,
    text: aggregateText(aggregated, rooms, timezone),
    rooms,
  };
}

interface CohortCsvRow {
  person: Person;
  message: MessageView;
  place: string;
}

export function cohortCsvRows(result: AggregateResult): CohortCsvRow[] {
  return result.people.flatMap(({ person, messages }) => messages.map((message) => ({
    person, message, place: message.roomId ? `群聊 ${result.rooms.get(message.roomId) ?? message.roomId}` : '私聊',
  })));
}

export const COHORT_CSV_COLUMNS = (timezone: string): Array<{ header: string; value: (row: CohortCsvRow) => unknown }> => [
  { header: '用户ID', value: (row) => row.person.id },
  { header: '用户', value: (row) => row.person.displayName },
  { header: '学员', value: (row) => row.person.students.map((student) => student.name).join('、') },
  { header: '时间', value: (row) => formatLocalTime(row.message.msgtime, timezone) },
  { header: '会话', value: (row) => row.place },
  { header: '方向', value: (row) => (row.message.direction === 'sent' ? '我' : '对方') },
  { header: '发送人', value: (row) => row.message.senderName },
  { header: '类型', value: (row) => row.message.content.label },
  { header: '内容', value: (row) => contentLine(row.message.content) },
];
