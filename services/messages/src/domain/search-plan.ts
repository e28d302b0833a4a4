/**
 * How a search finds its page, chosen from what the term's bigrams match rather than left to the planner: with
 * `ORDER BY msgtime DESC LIMIT n` PostgreSQL walks the time index and filters every row whenever it expects the
 * term to be common, and at 2M messages a term it wrongly expects to be common (characters the statistics never saw,
 * Latin words, long phrases) cost seconds (issue 15).
 *
 * - `walk`: newest first through the time (or group, or sender) index, rechecking with strpos alone, reading at most
 *   `budget` rows. Cheapest when hits are dense: the commonest words fill a page within a few hundred rows, where a
 *   bitmap would first decode hundreds of thousands of postings.
 * - `bitmap`: the bigram GIN index ANDed with a time range of about `windowRows` messages below the page's upper
 *   bound (null: no range), the window widened until the page is full. Heap pages are read only for candidates inside
 *   the window, about one per hit, while a bitmap over the whole archive reads one page per candidate anywhere
 *   (measured at 200k messages: 3,562 candidates of 退费 read 3,343 pages in 100 ms; within a 6-day window, 59
 *   pages in 1.7 ms). An absent bigram gives no candidates and reads only the index.
 *
 * A term whose bigrams are all common but which is itself rare (`Unit`: un, ni, it) looks common to the statistics,
 * so a walk is bounded: when its budget does not fill the page, the rest comes from windowed bitmaps below it.
 */
export type SearchPlan = { kind: 'walk'; budget: number } | { kind: 'bitmap'; windowRows: number | null };

export interface TermFrequencies {
  /** estimated messages in the archive */
  rows: number;
  /** each of the term's bigrams: its share of messages, or null when it is not among the common ones */
  bigrams: Array<number | null>;
}

// Up to this many candidates in the whole archive, one bitmap over all of it answers within a few milliseconds.
export const BITMAP_ALWAYS = 2_000;
// A walk expected to fill its page within this many rows is cheaper than decoding the postings of so common a bigram.
export const WALK_CHEAP = 2_000;
/** Each window that does not fill the page is followed by one this many times wider. */
export const WIDEN = 8;

/** The plan for a term with bigrams (without statistics: one bitmap). A term without any is walked through its filter. */
export function chooseSearchPlan(frequencies: TermFrequencies | null, pageRows: number): SearchPlan {
  if (!frequencies) return { kind: 'bitmap', windowRows: null };
  // a bigram outside the common list is rarer than every common one: its postings are few, and so are the candidates
  if (frequencies.bigrams.some((share) => share === null)) return { kind: 'bitmap', windowRows: null };
  const rarest = Math.min(...(frequencies.bigrams as number[]));
  if (frequencies.rows * rarest <= BITMAP_ALWAYS) return { kind: 'bitmap', windowRows: null };
  // the rarest bigram's share is the term's hit rate at best: the page needs at least this many rows
  const walked = Math.ceil(pageRows / rarest);
  // every window of a bitmap decodes the key's whole posting list, which grows with the archive while a walk does not:
  // at 10M messages 哪里 (1.4%) has 141,000 postings, 60–90 ms to decode in a busy group, where walking the ~4,400 rows
  // a page of it needs costs a third of that. So a walk is also chosen when its budget costs less than one decoding.
  const affordable = Math.max(WALK_CHEAP, (frequencies.rows * rarest) / POSTINGS_PER_ROW / 2);
  return walked <= affordable ? { kind: 'walk', budget: 2 * walked } : { kind: 'bitmap', windowRows: 2 * walked };
}

/**
 * After a walk of `walked` rows found `hits` but not the whole page: the budget of a second walk below it, when the
 * hit rate seen so far promises the `needed` rows within WALK_CHEAP-sized reading (a page that came up a few hits short
 * is cheaper walked on than decoding a common bigram's postings), else null: windows of the bitmap take over.
 */
export function continuedWalk(hits: number, walked: number, needed: number, postings = 0): number | null {
  // the bitmap would decode the key's whole posting list: a walk costing about as much is allowed before it
  const affordable = Math.max(2 * WALK_CHEAP, Math.floor(postings / POSTINGS_PER_ROW));
  if (hits === 0) return null;
  const rows = Math.ceil((2 * needed * walked) / hits);
  return rows <= affordable ? rows : null;
}

/**
 * A row walked (its text extracted and tested) costs about as much as this many postings decoded from the GIN index:
 * at 2M messages 338 rows of one sender walked in 0.75 ms, 295,060 postings of 老师 decoded in 61 ms. A filter in
 * which a common term is rare (a staff member who seldom writes 老师) is then walked further, not bitmapped.
 */
export const POSTINGS_PER_ROW = 10;

/**
 * The bigrams to ask the GIN index for: the rare ones when there are any, else the rarest alone; strpos rechecks the
 * whole term anyway. Intersecting a common bigram's postings costs more than the few candidates it removes (`unit 3`
 * at 2M messages: 24 ms to intersect un, ni, it and t3, most of it decoding the first three). null: all of them, as
 * PostgreSQL computes them — also for a term whose lower-casing or whitespace PostgreSQL might see differently
 * from JavaScript (only ASCII and characters without case are trusted to give the same bigrams).
 */
export function indexKeys(grams: string[], shares: Array<number | null> | null, term: string): string[] | null {
  if (!shares || grams.length < 2) return null;
  if (![...term].every((char) => /[\x20-\x7e]/.test(char) || (char.toLowerCase() === char.toUpperCase() && !/\s/u.test(char)))) return null;
  const rare = grams.filter((_, i) => shares[i] === null);
  if (rare.length > 0) return rare;
  let rarest = 0;
  shares.forEach((share, i) => {
    if (share! < shares[rarest]!) rarest = i;
  });
  return [grams[rarest]!];
}

/**
 * A single character has no bigram to look up: its search walks its group's or person's messages newest first, and
 * one call reads at most this many of them. At 10M messages the biggest group's ~230,000 messages took 949 ms to walk
 * for a character it never held (about 4 µs a row); 8,000 rows keep a call near 35 ms. A call that stops at its budget
 * before its page is full says how far back it searched, and its cursor continues from there (issue 15).
 */
export const SINGLE_CHARACTER_BUDGET = 8_000;

/** How many of a group's or person's messages are counted (newest first, in their own index) to learn their pace. */
export const PACE_PROBE = 2_000;

/**
 * Milliseconds per message of a group, person or class filter, from the time its PACE_PROBE-th newest message below
 * the page lies behind the page's upper bound; null when it has fewer: a bitmap over all of them reads at most that
 * many. The archive's pace sized a busy sender's windows ~30 times too narrow (68,000 of 2,000,000 messages), and
 * each widening decodes the key's whole posting list again (issue 15).
 */
export function filterPace(upper: Date, probed: Date | null): number | null {
  return probed ? Math.max(1, upper.getTime() - probed.getTime()) / PACE_PROBE : null;
}

/**
 * Whether one bitmap over the `remaining` messages a filter still holds is cheaper than windows: it reads about
 * remaining × share candidates from the heap, where each window decodes the key's whole posting list (archive × share)
 * again. Counting a heap candidate at twice a walked row (a random page), that is when the filter holds at most a
 * twentieth of the archive, whatever the key.
 */
export function wholeFilterCheaper(remaining: number, archiveRows: number): boolean {
  return remaining * 2 * POSTINGS_PER_ROW <= archiveRows;
}
