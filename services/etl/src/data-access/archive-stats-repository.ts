import { toIso, type Queryable } from '@doitcrm/kit';
import type { ArchiveStats } from '../contract.ts';

/** Totals for the page. The count is exact (operators compare it with the export) and uses the PK index. */
export async function readArchiveStats(db: Queryable, maxGapsListed = 50): Promise<ArchiveStats> {
  const { rows: [totals] } = await db.query<{ total: number; oldest: Date | null; newest: Date | null; min_seq: number | null; max_seq: number | null }>(
    `SELECT (SELECT count(*) FROM chat.messages) AS total,
            (SELECT min(msgtime) FROM chat.messages) AS oldest,
            (SELECT max(msgtime) FROM chat.messages) AS newest,
            (SELECT min(seq) FROM chat.messages WHERE seq IS NOT NULL) AS min_seq,
            (SELECT max(seq) FROM chat.messages WHERE seq IS NOT NULL) AS max_seq`,
  );
  const stats: ArchiveStats = {
    totalMessages: totals!.total,
    oldestMsgtime: toIso(totals!.oldest),
    newestMsgtime: toIso(totals!.newest),
    seq: null,
  };
  if (totals!.max_seq === null || totals!.min_seq === null) return stats;

  // the archive's seq has no holes: a hole means the export skipped a range. Lines that reached us but were
  // quarantined are not holes in the export, so their seqs count as present here.
  const { rows: gaps } = await db.query<{ from: number; to: number }>(
    `WITH present AS (
       SELECT seq FROM chat.messages WHERE seq IS NOT NULL
       UNION SELECT seq FROM chat.quarantine WHERE seq IS NOT NULL)
     SELECT seq + 1 AS from, next_seq - 1 AS to
     FROM (SELECT seq, lead(seq) OVER (ORDER BY seq) AS next_seq FROM present) ordered
     WHERE next_seq > seq + 1
     ORDER BY seq`,
  );
  stats.seq = {
    min: totals!.min_seq,
    max: totals!.max_seq,
    gapCount: gaps.length,
    missingTotal: gaps.reduce((sum, gap) => sum + (gap.to - gap.from + 1), 0),
    gaps: gaps.slice(0, maxGapsListed).map((gap) => ({ from: gap.from, to: gap.to, missing: gap.to - gap.from + 1 })),
  };
  return stats;
}
