import { describe, expect, test } from 'vitest';
import { chunkClientToken, mergeLinkCell, readDate, readLinkIds, readText, writeCell } from '../src/index.ts';

describe('Bitable cell values', () => {
  test('when text comes as search segments, a legacy string or a formula value, then it reads as one string', () => {
    expect(readText([{ type: 'text', text: '小明' }, { type: 'mention', text: '@张老师', token: 'ou_x' }])).toBe('小明@张老师');
    expect(readText('小明')).toBe('小明');
    expect(readText({ type: 1, value: [{ type: 'text', text: '甲' }] })).toBe('甲');
    expect(readText(undefined)).toBeNull();
  });

  test('when a link cell comes in the search, echoed-write or legacy shape, then the same ids are read', () => {
    const ids = ['recA', 'recB'];
    expect(readLinkIds({ link_record_ids: ids })).toEqual(ids);
    expect(readLinkIds(ids)).toEqual(ids);
    expect(readLinkIds([{ record_ids: ids, table_id: 'tbl1', text: 'a,b', text_arr: ['a', 'b'], type: 'text' }])).toEqual(ids);
    expect(readLinkIds(undefined)).toEqual([]);
  });

  test('when new ids are merged into a link cell, then the old links stay first and duplicates go', () => {
    expect(mergeLinkCell({ link_record_ids: ['recA', 'recB'] }, ['recB', 'recC'])).toEqual(['recA', 'recB', 'recC']);
    expect(mergeLinkCell(undefined, ['recC'])).toEqual(['recC']);
    expect(() => mergeLinkCell({ link_record_ids: Array.from({ length: 500 }, (_, i) => `rec${i}`) }, ['recX'])).toThrow(RangeError);
  });

  test('when dates and phones are written, then they take the formats Feishu accepts or are refused before sending', () => {
    expect(writeCell.date(new Date('2026-01-05T00:00:00+08:00'))).toBe(Date.UTC(2026, 0, 4, 16));
    expect(readDate(writeCell.date(1_767_542_400_000))).toBe(1_767_542_400_000);
    expect(writeCell.phone('199 0000-0001')).toBe('19900000001');
    expect(writeCell.phone('+8619900000001')).toBe('+8619900000001');
    expect(() => writeCell.phone('电话 123')).toThrow(RangeError);
  });

  test('when a batch is split, then chunk 0 keeps the caller token and later chunks get distinct, repeatable uuid-shaped tokens', () => {
    const token = 'fe4a1c56-7a8b-4b43-9c1e-2d1f0e3a4b5c';
    expect(chunkClientToken(token, 0)).toBe(token);
    expect(chunkClientToken(token, 1)).toBe(chunkClientToken(token, 1));
    expect(chunkClientToken(token, 1)).not.toBe(chunkClientToken(token, 2));
    expect(chunkClientToken(token, 2)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(chunkClientToken(undefined, 3)).toBeUndefined();
  });
});
