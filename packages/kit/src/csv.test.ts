import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV for Excel', () => {
  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2', '@SUM(A1)', '\tcmd'])('when a cell starts like a formula (%s), then it is neutralised with an apostrophe', (value) => {
    expect(csvCell(value).replace(/^"|"$/g, '')).toMatch(/^'/);
  });

  it('when a cell holds commas, quotes or line breaks, then it is quoted and quotes doubled', () => {
    expect(csvCell('王小明妈妈, "Tom"\n二段')).toBe('"王小明妈妈, ""Tom""\n二段"');
  });

  it('when rows are written, then the file starts with a BOM and uses CRLF', () => {
    const csv = toCsv([{ name: '小熊3班', n: 3 }], [{ header: '班级', value: (row) => row.name }, { header: '人数', value: (row) => row.n }]);

    expect(csv).toBe('\uFEFF班级,人数\r\n小熊3班,3\r\n');
  });
});
