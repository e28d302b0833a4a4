import { describe, expect, it } from 'vitest';
import { bucketOf, cutSubstrings, drawTerms, seededRandom } from './terms.ts';

describe('seededRandom', () => {
  it('when given the same seed, then it repeats the same draws, and another seed draws others', () => {
    const a = seededRandom(15);
    const b = seededRandom(15);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(seededRandom(16)()).not.toBe(first[0]);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe('cutSubstrings', () => {
  it('cuts terms of 2 to 4 whole characters that occur in the text, never spaces or punctuation', () => {
    const texts = ['老师您好，孩子今天请假 thank you', '𠮷野家的作业已经完成了！'];
    const terms = cutSubstrings(texts, seededRandom(1), 20);
    expect(terms.length).toBeGreaterThan(10);
    for (const term of terms) {
      expect([...term].length).toBeGreaterThanOrEqual(2);
      expect([...term].length).toBeLessThanOrEqual(4);
      expect(texts.some((text) => text.includes(term))).toBe(true);
      expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
    }
  });
});

describe('bucketOf', () => {
  it('buckets by the share of sampled messages holding the term, and a term only one holds as rare', () => {
    expect(bucketOf(50, 1000)).toBe('common');
    expect(bucketOf(10, 1000)).toBe('common');
    expect(bucketOf(9, 1000)).toBe('medium');
    expect(bucketOf(4, 4000)).toBe('medium');
    expect(bucketOf(3, 4000)).toBeNull();
    expect(bucketOf(1, 4000)).toBe('rare');
    expect(bucketOf(1, 1000)).toBe('rare');
  });
});

describe('drawTerms', () => {
  const rareTexts = ['墨墨的作业本丢了', '淼淼周末去外婆家', '犇犇钢琴考级过了', '鑫鑫换了新书包', '燚燚感冒发烧咳嗽'];

  it('draws common, medium and rare terms with hits scaled to the archive, at most the asked number per bucket', () => {
    const texts = [
      ...Array.from({ length: 900 }, () => '谢谢老师'),
      ...Array.from({ length: 5 }, () => '明天请假'),
      ...rareTexts, ...Array.from({ length: 90 }, () => '好'),
    ];
    const drawn = drawTerms(texts, 1_000_000, seededRandom(3), 2);
    const byBucket = (frequency: string) => drawn.filter((term) => term.frequency === frequency);
    expect(byBucket('common').length).toBeGreaterThan(0);
    expect(byBucket('common').length).toBeLessThanOrEqual(2);
    expect(byBucket('common').every((term) => '谢谢老师'.includes(term.term) && term.estimatedHits === 900_000)).toBe(true);
    expect(byBucket('medium').length).toBeGreaterThan(0);
    expect(byBucket('rare').length).toBeGreaterThan(0);
    expect(byBucket('medium').every((term) => '明天请假'.includes(term.term) && term.estimatedHits === 5000)).toBe(true);
    // a rare term is 3 or 4 characters long and held by the one sampled message
    expect(byBucket('rare').every((term) => [...term.term].length >= 3 && rareTexts.some((text) => text.includes(term.term)))).toBe(true);
    expect(drawTerms(texts, 1_000_000, seededRandom(3), 2)).toEqual(drawn);
  });
});
