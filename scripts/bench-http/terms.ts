// Search terms drawn from the data itself, at several frequencies, plus terms the archive never holds: a benchmark
// that picks only terms that suit the plan hides the slow ones (issue 15 found seconds behind single-digit figures).
import { createHash } from 'node:crypto';

/** Draws in [0, 1) that one seed always repeats (a hash of seed and counter), so a run's picks can be printed and repeated. */
export function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Up to `perText` substrings of 2–4 characters (whole code points) cut at random places, of letters and digits only. */
export function cutSubstrings(texts: readonly string[], random: () => number, perText = 2): string[] {
  const cut: string[] = [];
  for (const text of texts) {
    const chars = [...text];
    for (let i = 0; i < perText && chars.length >= 2; i += 1) {
      const length = 2 + Math.floor(random() * 3);
      if (chars.length < length) continue;
      const start = Math.floor(random() * (chars.length - length + 1));
      const term = chars.slice(start, start + length).join('');
      // spaces and punctuation are not what anyone types into a search box
      if (/^[\p{L}\p{N}]+$/u.test(term)) cut.push(term);
    }
  }
  return cut;
}

export type Frequency = 'common' | 'medium' | 'rare';
export interface DrawnTerm { term: string; frequency: Frequency; /** messages holding it, estimated from the sample */ estimatedHits: number }

/** The frequency bucket of a term held by `holding` of `sampleSize` sampled messages. */
export function bucketOf(holding: number, sampleSize: number): Frequency | null {
  // held by exactly one sampled message: rare (the sample cannot tell rarer apart)
  if (holding === 1) return 'rare';
  const share = holding / sampleSize;
  if (share >= 0.01) return 'common';
  if (share >= 0.001) return 'medium';
  return null;
}

/**
 * Terms cut from sampled message texts, bucketed by how many sampled messages hold them (scaled to the archive's
 * `total`), at most `perBucket` per bucket, each bucket in a seeded random order.
 */
export function drawTerms(texts: readonly string[], total: number, random: () => number, perBucket = 5): DrawnTerm[] {
  const candidates = [...new Set(cutSubstrings(texts, random))];
  const drawn: DrawnTerm[] = [];
  const counts: Record<Frequency, number> = { common: 0, medium: 0, rare: 0 };
  for (const term of shuffle(candidates, random)) {
    const holding = texts.filter((text) => text.includes(term)).length;
    const frequency = bucketOf(holding, texts.length);
    if (!frequency || counts[frequency] >= perBucket) continue;
    // a rare term is a longer one: a 2-character term seen once in the sample may still be common in the archive
    if (frequency === 'rare' && [...term].length < 3) continue;
    counts[frequency] += 1;
    drawn.push({ term, frequency, estimatedHits: Math.round((holding / texts.length) * total) });
  }
  return drawn;
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Terms no archive of the school holds: rare name characters (a single one needs a filter), Latin words, long phrases. */
export const ABSENT_TERMS = ['龘靐', '犇淼', 'xylophone', 'quarterly refund policy', '张三丰的妈妈说明天的课不来了'];
