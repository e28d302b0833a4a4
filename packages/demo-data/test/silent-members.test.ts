import { describe, expect, it } from 'vitest';
import { generateArchive, generateSchool, groupMembers } from '../src/index.ts';

describe('generateSchool: silent group members', () => {
  it('when none are asked for, then the school is the default one and nobody is silent', () => {
    expect(generateSchool().silentMembers).toEqual([]);
    expect(generateSchool({ silentMembers: 50 }).parents).toEqual(generateSchool().parents);
  });

  it('when silent members are asked for, then they sit in groups, only ever receive, and those who left stop being named', () => {
    const school = generateSchool({ silentMembers: 200 });
    const members = groupMembers(school);
    const silent = new Map(school.silentMembers.map((m) => [m.externalId, m]));
    const records = [...generateArchive(school, { messages: 20_000 })]
      .filter((line): line is Record<string, unknown> => typeof line !== 'string' && line.action === 'send');
    const times = records.map((record) => Number(record.msgtime));
    const [firstMs, lastMs] = [Math.min(...times), Math.max(...times)];

    expect(school.silentMembers).toHaveLength(200);
    for (const m of school.silentMembers) for (const roomId of m.roomIds) expect(members.get(roomId)).toContain(m.externalId);
    const senders = new Set(records.map((record) => record.from));
    expect(school.silentMembers.filter((m) => senders.has(m.externalId))).toEqual([]);
    const lastNamed = new Map<string, number>();
    for (const record of records) {
      for (const id of (record.tolist as string[] | undefined) ?? []) if (silent.has(id)) lastNamed.set(id, Number(record.msgtime));
    }
    const leavers = school.silentMembers.filter((m) => m.leftAtShare !== null);
    expect(leavers.length).toBeGreaterThan(40);
    for (const m of leavers) {
      const leftAt = firstMs + m.leftAtShare! * (lastMs - firstMs);
      expect(lastNamed.get(m.externalId) ?? 0).toBeLessThan(leftAt + 7 * 24 * 3600 * 1000);
    }
    expect(school.silentMembers.filter((m) => lastNamed.has(m.externalId)).length).toBeGreaterThan(150);
  });
});
