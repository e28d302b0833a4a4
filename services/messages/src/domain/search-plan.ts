/**
 * How a search finds its page, chosen from what the term's bigrams match rather than left to the planner: with
 * `ORDER BY msgtime DESC LIMIT n` PostgreSQL walks the time index and filters every row whenever it expects the
 * term to be common, and at 2M messages a term it wrongly expects to be common (characters the statistics never saw,
 * Latin words, long phrases) cost seconds (issue 15).
 *
 * - `bitmap`: the bigram GIN index gives every candidate (an absent bigram gives none, reading only the index), which
 *   are rechecked, sorted and cut. Its cost grows with the candidates, at most `rows × rarest bigram's frequency`.
 * - `walk`: newest first through the time (or group, or sender) index, rechecking with strpos only, reading at most
 *   `budget` rows; when they do not fill the page, the rest comes from a bitmap below the last row read. Its cost
 *   grows with `page / hit rate`. A term whose bigrams are all common but which is itself rare (`Unit`: un, ni, it)
 *   looks common to the statistics, so the walk is bounded: it costs at most twice the expected walk on top of the
 *   bitmap it falls back to.
 */
export type SearchPlan = { kind: 'bitmap' } | { kind: 'walk'; budget: number | null };

export interface TermFrequencies {
  /** estimated messages in the archive */
  rows: number;
  /** each of the term's bigrams: its share of messages, or null when it is not among the common ones */
  bigrams: Array<number | null>;
}

// Up to this many candidates a bitmap answers within a few milliseconds whatever the term.
export const BITMAP_ALWAYS = 1_000;
// Walking newest first reads rows in the order they were imported, several to a heap page; a bitmap's candidates lie
// scattered, about one page each (measured at 200k messages: 3,562 candidates read 3,343 pages in 100 ms, a walk of
// 1,801 rows read 476 pages in 14 ms). So a candidate costs about five walked rows.
const CANDIDATE_COST = 5;
// The walk's budget is twice what the page should need at the term's estimated hit rate, and never more than this.
export const WALK_MAX = 40_000;

/** The plan for a term with bigrams (without statistics: a bitmap). A term without any is walked through its filter. */
export function chooseSearchPlan(frequencies: TermFrequencies | null, pageRows: number): SearchPlan {
  if (!frequencies) return { kind: 'bitmap' };
  // a bigram outside the common list is rarer than every common one: its postings are few, and so are the candidates
  if (frequencies.bigrams.some((share) => share === null)) return { kind: 'bitmap' };
  const rarest = Math.min(...(frequencies.bigrams as number[]));
  const candidates = frequencies.rows * rarest;
  // the rarest bigram's share is the term's hit rate at best: the walk expects no fewer rows than this
  const walked = pageRows / rarest;
  if (candidates <= BITMAP_ALWAYS || candidates * CANDIDATE_COST <= walked) return { kind: 'bitmap' };
  return { kind: 'walk', budget: Math.min(WALK_MAX, Math.ceil(2 * walked)) };
}
