import { describe, expect, it } from 'vitest';
import { enrolmentCsv, generateSchool, rosterCsv } from '../src/index.ts';

const school = generateSchool();

/** Minimal RFC 4180 reader for the assertions (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r') continue;
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  return rows;
}

describe('rosterCsv', () => {
  it('when the roster is written, then classes are columns and the attribute rows come in the documented order', () => {
    // Act
    const rows = parseCsv(rosterCsv(school));

    // Assert
    expect(rows[0]!.slice(1)).toEqual(school.classes.map((c) => c.name));
    expect(rows.slice(1, 9).map((r) => r[0])).toEqual(['主教老师', '班主任', '上课时间', '下课时间', '所在阶段', '课程进度', '升段升班情况', '群ID']);
    expect(rows[8]!.slice(1)).toEqual(school.classes.map((c) => c.roomId));
    expect(rows[9]![0]).toBe('学员1');
    expect(rows.every((r) => r.length === school.classes.length + 1)).toBe(true);
  });

  it('when pupils are listed, then every enrolment appears once, with the status in brackets unless 在读', () => {
    // Arrange
    const rows = parseCsv(rosterCsv(school)).slice(9);
    const cells = rows.flatMap((r) => r.slice(1)).filter((c) => c !== '');

    // Assert
    expect(cells.length).toBe(school.students.reduce((n, s) => n + s.classKeys.length, 0));
    expect(cells.some((c) => /\((休学|已退费)\)$/.test(c))).toBe(true);
    expect(cells.some((c) => /（(休学|已退费)）$/.test(c))).toBe(true);
  });
});

describe('enrolmentCsv', () => {
  it('when the enrolment export is written, then it has the eight columns with fake phones and placeholder IDs', () => {
    // Act
    const rows = parseCsv(enrolmentCsv(school));

    // Assert
    expect(rows[0]).toEqual(['学员姓名', '手机号身份', '手机号', '所在班级', '学校', '住址', '学员身份证号码', '家长姓名']);
    const data = rows.slice(1);
    expect(data.length).toBeGreaterThan(school.students.length * 0.95);
    for (const r of data) {
      expect(r).toHaveLength(8);
      expect(r[2]).toMatch(/^1990000\d{4}$/);
      if (r[6]) expect(r[6].startsWith('999999')).toBe(true);
      expect(['妈妈', '爸爸', '']).toContain(r[1]);
    }
    expect(data.some((r) => r[3] === '-')).toBe(true);
    expect(data.some((r) => r[3]!.includes(';'))).toBe(true);
    expect(data.some((r) => /^[A-Za-z]+\p{Script=Han}+$/u.test(r[0]!))).toBe(true);
  });
});
