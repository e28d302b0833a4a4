import { describe, expect, it } from 'vitest';
import { businessRelationWord, parseGuardianName } from '../src/domain/suggestions/guardian-name-parser.ts';

describe('guardian name parser', () => {
  it.each([
    ['王小明妈妈', '王小明', 'han', '妈妈', 'mother'],
    ['小明妈', '小明', 'han', '妈', 'mother'],
    ['王小明爸爸', '王小明', 'han', '爸爸', 'father'],
    ['乐乐爸', '乐乐', 'han', '爸', 'father'],
    ['王小明家长', '王小明', 'han', '家长', 'other'],
    ['梓涵奶奶', '梓涵', 'han', '奶奶', 'guardian'],
    ['张一诺爷爷', '张一诺', 'han', '爷爷', 'guardian'],
    ['李欣怡外婆', '李欣怡', 'han', '外婆', 'guardian'],
    ['浩宇姥姥', '浩宇', 'han', '姥姥', 'guardian'],
    ['陈辰外公', '陈辰', 'han', '外公', 'guardian'],
    ['欧阳子轩妈妈', '欧阳子轩', 'han', '妈妈', 'mother'],
    ['吴雨妈妈', '吴雨', 'han', '妈妈', 'mother'],
    ['Tom爸爸', 'Tom', 'latin', '爸爸', 'father'],
    ['Lucy妈', 'Lucy', 'latin', '妈', 'mother'],
    ['tom 妈妈', 'tom', 'latin', '妈妈', 'mother'],
  ])('when the name is "%s", then it reads child %s (%s) and relation word %s → %s', (text, child, script, word, relation) => {
    expect(parseGuardianName(text)).toEqual({ child, script, word, relation });
  });

  it.each([
    ['🌸小明妈妈🌸', '小明', 'mother'],
    ['🍀乐乐爸🍀', '乐乐', 'father'],
    ['👨‍👩‍👧王小明妈妈', '王小明', 'mother'],
    ['☀️悦悦妈妈☀️', '悦悦', 'mother'],
    ['王小明 妈妈', '王小明', 'mother'],
    [' 王 小 明 妈 妈 ', '王小明', 'mother'],
    ['王小明\u3000妈妈', '王小明', 'mother'],
    ['Ｔｏｍ爸爸', 'Tom', 'father'],
    ['~小明妈妈~', '小明', 'mother'],
    ['·乐乐妈·', '乐乐', 'mother'],
    ['王小明的妈妈', '王小明', 'mother'],
  ])('when "%s" carries emoji, spaces, full-width letters or decoration, then they are ignored: %s, %s', (text, child, relation) => {
    expect(parseGuardianName(text)).toMatchObject({ child, relation });
  });

  it('when a relative word is longer than "妈", then the longer word wins ("小明姨妈" is an aunt of 小明, not the mother of 小明姨)', () => {
    expect(parseGuardianName('小明姨妈')).toEqual({ child: '小明', script: 'han', word: '姨妈', relation: 'other' });
    expect(parseGuardianName('乐乐小姨')).toMatchObject({ child: '乐乐', relation: 'other' });
    expect(parseGuardianName('乐乐舅舅')).toMatchObject({ child: '乐乐', relation: 'other' });
  });

  it.each([
    ['王静'], ['张丽娟'], ['Lemon'], ['岁月静好'], ['静待花开🌷'], ['Lily Wang'], ['A-王静-保险'], ['A王静·烘焙'],
    ['妈妈'], ['爸爸'], [''], ['   '], ['🌸🌸'], ['小明妈妈呀'], ['王小明妈妈2'], ['1班王小明妈妈'], ['13800000000'],
  ])('when the name "%s" is not "<child><relation word>", then nothing is read', (text) => {
    expect(parseGuardianName(text)).toBeNull();
  });

  it.each([
    ['<img src=x onerror=alert(1)>妈妈'],
    ['<script>alert(1)</script>'],
    ['<b>小红妈</b>'],
    ['"阿花"妈妈'],
    ["O'Neil爸爸"],
    ['Tom & Jerry'],
    ['妈妈&爸爸'],
    ['</td><td>小李'],
    ['{{7*7}}'],
    ["'; DROP TABLE students;--"],
    ['=1+1 乐乐妈'],
    ['小明妈 <3'],
    ['${process.exit()}妈妈'],
    ['%00王小明妈妈'],
    ['王小明\u0000妈妈'],
    ['a'.repeat(10_000) + '妈妈'],
    ['王'.repeat(500) + '妈妈'],
  ])('when the name is hostile (%s), then it is plain text that simply does not match', (text) => {
    expect(parseGuardianName(text)).toBeNull();
  });

  it('when there is no name at all, then nothing is read', () => {
    expect(parseGuardianName(null)).toBeNull();
    expect(parseGuardianName(undefined)).toBeNull();
  });

  it('when a business name is proposed, then the short words are written the way staff write them', () => {
    expect(businessRelationWord(parseGuardianName('小明妈')!)).toBe('妈妈');
    expect(businessRelationWord(parseGuardianName('小明爸')!)).toBe('爸爸');
    expect(businessRelationWord(parseGuardianName('小明外婆')!)).toBe('外婆');
    expect(businessRelationWord(parseGuardianName('王小明家长')!)).toBe('家长');
  });
});
