import { describe, expect, it } from 'vitest';
import { ValidationError } from '@doitcrm/kit';
import type { Suggestion } from '../src/contract.ts';
import { matchClassName, normaliseGroupName } from '../src/domain/suggestions/class-name-matcher.ts';
import { parseGuardianName } from '../src/domain/suggestions/guardian-name-parser.ts';
import { decodeCursor, encodeCursor, pageOf, rankSuggestions } from '../src/domain/suggestions/ranking.ts';
import { matchStudentName } from '../src/domain/suggestions/student-matcher.ts';

const student = (name: string, englishName: string | null = null) => ({ name, englishName });
const match = (nickname: string, name: string, englishName: string | null = null) => matchStudentName(parseGuardianName(nickname)!, student(name, englishName));

describe('student name matching', () => {
  it('when the nickname holds the full name, then it is a full match', () => {
    expect(match('王小明妈妈', '王小明')).toBe('full');
    expect(match('吴雨妈妈', '吴雨')).toBe('full');
  });

  it('when it holds the given name after the surname, then it is a given-name match (compound surnames included)', () => {
    expect(match('小明妈', '王小明')).toBe('given');
    expect(match('雨妈妈', '吴雨')).toBe('given');
    expect(match('子轩爸爸', '欧阳子轩')).toBe('given');
    // "明" is not 王小明's given name
    expect(match('明妈', '王小明')).toBeNull();
  });

  it('when it holds the English name, then it is an English match, case aside, also for a roster name like "Tom王小明"', () => {
    expect(match('Tom爸爸', '王小明', 'Tom')).toBe('english');
    expect(match('tom爸爸', '王小明', 'Tom')).toBe('english');
    expect(match('Tom爸爸', 'Tom王小明')).toBe('english');
    expect(match('Tom爸爸', '王小明', 'Tommy')).toBeNull();
  });

  it('when it holds what families call a child ("小涵", "涵涵" for 王梓涵), then it is a pet-name match', () => {
    expect(match('小涵妈妈', '王梓涵')).toBe('pet');
    expect(match('涵涵妈妈', '王梓涵')).toBe('pet');
    expect(match('梓梓妈妈', '王梓涵')).toBeNull();
  });

  it('when the names differ, then there is no match', () => {
    expect(match('王小明妈妈', '王晓明')).toBeNull();
    expect(match('李小明妈妈', '王小明')).toBeNull();
  });
});

describe('class name matching', () => {
  it('when a group is named after its class with a "群" suffix, full-width characters or spaces, then the names are equal', () => {
    expect(matchClassName('小熊3班家长群', '小熊3班')).toBe('exact');
    expect(matchClassName('小熊３班 群', '小熊3班')).toBe('exact');
    expect(matchClassName(' 小熊 3 班 ', '小熊3班')).toBe('exact');
    expect(matchClassName('starters寒假班交流群', 'Starters寒假班')).toBe('exact');
    expect(normaliseGroupName('小熊3班家长交流群')).toBe('小熊3班');
  });

  it('when the group name contains the class name among other words, then it is a containment match', () => {
    expect(matchClassName('【周六9:00】小熊3班·家长', '小熊3班')).toBe('contains');
    expect(matchClassName('橡果英语小熊3班2025秋', '小熊3班')).toBe('contains');
  });

  it('when only the mascot and number agree ("小熊三班", "小熊-3"), then it is a mascot match', () => {
    expect(matchClassName('小熊三班', '小熊3班')).toBe('mascot');
    expect(matchClassName('L1小熊-3', '小熊3班')).toBe('mascot');
    expect(matchClassName('小熊十二班', '小熊12班')).toBe('mascot');
  });

  it('when the number differs by a digit ("小熊13班" vs "小熊1班"), or the mascot differs, then nothing matches', () => {
    expect(matchClassName('小熊13班家长群', '小熊1班')).toBeNull();
    expect(matchClassName('小熊三班', '小熊13班')).toBeNull();
    expect(matchClassName('小鹿3班', '小熊3班')).toBeNull();
    expect(matchClassName('群', '小熊3班')).toBeNull();
  });

  it('when a group name holds pattern characters, then they are compared as plain text', () => {
    expect(matchClassName('.*', '小熊3班')).toBeNull();
    expect(matchClassName('(小熊3班)[a-z]+', '小熊3班')).toBe('contains');
  });
});

describe('ranking and cursors', () => {
  const item = (originalId: string, confidence: number, kind: Suggestion['kind'] = 'role'): Suggestion => ({
    kind, idType: kind === 'class' ? 'room_id' : 'user_id', originalId, displayName: originalId, change: {}, confidence, reason: '',
  });

  it('when suggestions are ranked, then confidence goes first, then the id, then the kind', () => {
    const ranked = rankSuggestions([item('b', 0.5), item('a', 0.5, 'student'), item('c', 0.9), item('a', 0.5, 'role')]);
    expect(ranked.map((s) => `${s.originalId}:${s.kind}`)).toEqual(['c:role', 'a:role', 'a:student', 'b:role']);
  });

  it('when pages follow cursors, then every item comes exactly once, and an item gone since keeps the place', () => {
    const ranked = rankSuggestions([item('a', 0.9), item('b', 0.8), item('c', 0.8), item('d', 0.5), item('e', 0.1)]);
    const first = pageOf(ranked, { limit: 2, cursor: null });
    expect(first.items.map((s) => s.originalId)).toEqual(['a', 'b']);
    const withoutB = ranked.filter((s) => s.originalId !== 'b');
    const second = pageOf(withoutB, { limit: 2, cursor: decodeCursor(first.nextCursor!) });
    expect(second.items.map((s) => s.originalId)).toEqual(['c', 'd']);
    const last = pageOf(withoutB, { limit: 2, cursor: decodeCursor(second.nextCursor!) });
    expect(last).toEqual({ items: [item('e', 0.1)], nextCursor: null });
  });

  it.each([['garbage!'], ['W10'], [Buffer.from('[0.5,"a","toString"]').toString('base64url')], [Buffer.from('{"a":1}').toString('base64url')]])(
    'when a cursor is not one of ours (%s), then it is a validation error naming cursor', (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(ValidationError);
    });

  it('when a cursor is decoded, then it gives back the key it was made from', () => {
    expect(decodeCursor(encodeCursor(item('wm王', 0.45, 'student')))).toEqual({ confidence: 0.45, originalId: 'wm王', kind: 'student' });
  });
});
