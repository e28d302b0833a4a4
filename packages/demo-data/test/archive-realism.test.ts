import { describe, expect, it } from 'vitest';
import { DEFAULT_END_AT, VOCABULARY } from '../src/index.ts';
import { archiveSample, beijing } from './archive-sample.ts';

const sample = archiveSample(20_000);
const texts = sample.messages.filter((m) => m.msgtype === 'text').map((m) => (m.text as { content: string }).content);
const shareContaining = (word: string) => texts.filter((t) => t.includes(word)).length / texts.length;

describe('generateArchive: realistic shape', () => {
  it('when generated, then the top 5% of senders write at least 40% of the messages', () => {
    // Arrange
    const bySender = new Map<string, number>();
    for (const m of sample.messages) bySender.set(m.from as string, (bySender.get(m.from as string) ?? 0) + 1);
    const counts = [...bySender.values()].sort((a, b) => b - a);

    // Act
    const top = counts.slice(0, Math.ceil(counts.length * 0.05)).reduce((a, b) => a + b, 0);

    // Assert
    expect(top / sample.messages.length).toBeGreaterThanOrEqual(0.4);
    // and a long tail: most senders write only a little
    expect(counts[Math.floor(counts.length / 2)]!).toBeLessThan(counts[0]! / 20);
  });

  it('when generated, then the history spans at least 12 months and ends at the fixed default end', () => {
    // Arrange
    const { minMsgtime, maxMsgtime } = sample.summary;
    const twelveMonths = new Date(DEFAULT_END_AT);
    twelveMonths.setUTCMonth(twelveMonths.getUTCMonth() - 12);

    // Assert
    expect(minMsgtime!).toBeLessThanOrEqual(twelveMonths.getTime());
    expect(maxMsgtime!).toBeLessThan(DEFAULT_END_AT.getTime());
    expect(maxMsgtime!).toBeGreaterThan(DEFAULT_END_AT.getTime() - 7 * 86_400_000);
    const months = new Set(sample.messages.map((m) => beijing(m.msgtime).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(13);
  });

  it('when generated, then nights (Beijing 0–6 h) are quiet and evenings are the peak', () => {
    // Arrange
    const byHour = new Array<number>(24).fill(0);
    for (const m of sample.messages) byHour[beijing(m.msgtime).getUTCHours()]!++;
    const n = sample.messages.length;

    // Act
    const night = byHour.slice(0, 6).reduce((a, b) => a + b, 0) / n;
    const evening = (byHour[19]! + byHour[20]! + byHour[21]!) / n;

    // Assert
    expect(night).toBeLessThan(0.03);
    expect(evening).toBeGreaterThan(0.18);
    expect(byHour[20]!).toBeGreaterThan(byHour[3]! * 20);
  });

  it('when generated, then staff write in working hours and parents in the evening', () => {
    // Arrange
    const staff = new Set(sample.school.staff.map((s) => s.userId));
    const share = (hours: number[], who: (id: string) => boolean) => {
      const inHours = sample.messages.filter((m) => hours.includes(beijing(m.msgtime).getUTCHours()));
      return inHours.filter((m) => who(m.from as string)).length / inHours.length;
    };

    // Act
    const staffMorning = share([9, 10, 11], (id) => staff.has(id));
    const staffLateEvening = share([21, 22], (id) => staff.has(id));

    // Assert
    expect(staffMorning).toBeGreaterThan(staffLateEvening * 1.5);
  });

  it('when generated, then weekends are busier than Mondays (a weekend school, staff off on Monday)', () => {
    // Arrange
    const byDay = new Array<number>(7).fill(0);
    for (const m of sample.messages) byDay[beijing(m.msgtime).getUTCDay()]!++;

    // Assert
    expect(byDay[6]!).toBeGreaterThan(byDay[1]! * 1.5);
    expect(byDay[0]!).toBeGreaterThan(byDay[1]! * 1.3);
  });

  it('when generated, then each class group bursts around its weekly lesson', () => {
    // Arrange
    let near = 0;
    let total = 0;
    for (const c of sample.school.classes.filter((k) => !k.holidaySeason)) {
      const start = c.weekday * 24 + Math.floor(c.startMinute / 60);
      for (const m of sample.messages) {
        if (m.roomid !== c.roomId) continue;
        const t = beijing(m.msgtime);
        const hourOfWeek = t.getUTCDay() * 24 + t.getUTCHours();
        const delta = (hourOfWeek - start + 168) % 168;
        total++;
        if (delta <= 2 || delta === 167) near++;
      }
    }

    // Assert: 4 of 168 hours would hold 2.4% of a flat week
    expect(near / total).toBeGreaterThan(0.1);
  });

  it('when parents write to the teachers, in a class group or 1:1, then most are answered within hours, not days', () => {
    // Arrange: for each parent message, the time to the next staff message of the same chat
    const staff = new Set(sample.school.staff.map((s) => s.userId));
    const parents = new Set(sample.school.parents.map((p) => p.externalId));
    const classRooms = new Set(sample.school.classes.map((c) => c.roomId));
    const waits: Record<'group' | 'direct', number[]> = { group: [], direct: [] };
    const asked = new Map<string, number>();
    for (const m of sample.messages) {
      const from = m.from as string;
      const to = (m.tolist as string[])[0] ?? '';
      const chat = m.roomid !== '' ? (classRooms.has(m.roomid as string) ? `room:${m.roomid}` : null) : parents.has(from) ? `1:1:${from}:${to}` : `1:1:${to}:${from}`;
      if (chat === null) continue;
      if (parents.has(from) && !asked.has(chat)) asked.set(chat, Number(m.msgtime));
      else if (staff.has(from) && asked.has(chat)) {
        waits[chat.startsWith('room:') ? 'group' : 'direct'].push(Number(m.msgtime) - asked.get(chat)!);
        asked.delete(chat);
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

    // Assert: the median reply, nights included, is hours (a sparse sample of 20,000 messages over 13 months answers slower than a busy school)
    expect(waits.group.length).toBeGreaterThan(500);
    expect(waits.direct.length).toBeGreaterThan(200);
    expect(median(waits.group)).toBeLessThan(6 * 3_600_000);
    expect(median(waits.direct)).toBeLessThan(6 * 3_600_000);
  });

  it('when the Spring Festival comes, then the school goes quiet', () => {
    // Arrange: 2025's festival is on 29 January
    const perDay = (from: string, to: string) => {
      const a = Date.parse(`${from}T00:00:00+08:00`);
      const b = Date.parse(`${to}T00:00:00+08:00`);
      return sample.messages.filter((m) => Number(m.msgtime) >= a && Number(m.msgtime) < b).length / ((b - a) / 86_400_000);
    };

    // Act
    const festival = perDay('2025-01-28', '2025-02-04');
    const march = perDay('2025-03-03', '2025-03-31');

    // Assert
    expect(festival).toBeLessThan(march * 0.6);
  });

  it('when the median-frequency vocabulary word is searched, then it matches well under 1% of messages', () => {
    // Arrange
    const shares = VOCABULARY.map(shareContaining).sort((a, b) => a - b);

    // Act
    const median = shares[Math.floor(shares.length / 2)]!;

    // Assert
    expect(VOCABULARY.length).toBeGreaterThan(600);
    expect(median).toBeLessThan(0.002);
    expect(shares.filter((s) => s < 0.01).length / shares.length).toBeGreaterThan(0.95);
  });

  it('when common chat words are searched, then they are naturally frequent', () => {
    // Assert
    expect(shareContaining('老师')).toBeGreaterThan(0.1);
    expect(shareContaining('收到')).toBeGreaterThan(0.05);
    expect(shareContaining('谢谢')).toBeGreaterThan(0.05);
    expect(shareContaining('请假')).toBeGreaterThan(0.01);
    expect(shareContaining('退费')).toBeGreaterThan(0.003);
    expect(shareContaining('作业')).toBeGreaterThan(0.01);
  });

  it('when texts are generated, then they mix emoji, WeChat emoji and English words into Chinese', () => {
    // Assert
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(texts.some((t) => /\[(玫瑰|强|抱拳)\]/.test(t))).toBe(true);
    expect(texts.filter((t) => /[A-Za-z]{3,}/.test(t) && /\p{Script=Han}/u.test(t)).length / texts.length).toBeGreaterThan(0.03);
    expect(new Set(texts).size / texts.length).toBeGreaterThan(0.3);
  });
});
