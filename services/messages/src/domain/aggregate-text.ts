import type { AggregatedPerson } from '../contract.ts';
import { formatLocalTime } from './beijing-time.ts';
import { contentLine } from './render-message.ts';

const RULE = '='.repeat(48);
export const MAX_LINE_CHARS = 200;

const clip = (text: string) => (text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text);

/** Where a message was said, for a transcript line: 群聊 name, or 私聊. */
function place(roomId: string | null, rooms: Map<string, string>): string {
  return roomId ? `群聊 ${rooms.get(roomId) ?? roomId}` : '私聊';
}

/**
 * The cohort transcript (shown, exported as text, and sent to Coze): one block per person, lines oldest first,
 * each "time  我/对方  [place]  content". Long lines are clipped; a person's older messages beyond the limit are
 * left out and the block says so.
 */
export function aggregateText(people: AggregatedPerson[], rooms: Map<string, string>, timezone: string): string {
  const blocks = people.map(({ person, total, messages }) => {
    const students = person.students.map((student) => [student.name, student.englishName].filter(Boolean).join(' ')).join('、') || '未关联';
    const header = [
      RULE,
      `用户: ${person.displayName} (${person.id})`,
      `学员: ${students} / 消息总数: ${total}条${total > messages.length ? `（保留最新 ${messages.length} 条）` : ''}`,
      RULE,
    ];
    const lines = messages.map((message) =>
      `${formatLocalTime(message.msgtime, timezone)}  ${message.direction === 'sent' ? '我' : '对方'}  [${place(message.roomId, rooms)}]  ${clip(contentLine(message.content))}`);
    return [...header, ...lines].join('\n');
  });
  return blocks.join('\n\n');
}
