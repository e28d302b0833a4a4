import type pg from 'pg';
import type { SearchDatabase, SearchQuery } from '../src/data-access/search-repository.ts';

// What the search-plan tests share: a seeded archive's randomness, and the EXPLAIN ANALYZE of every search statement.

export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** A pool whose clients run EXPLAIN ANALYZE of every search statement first, in the same transaction and settings. */
export function explainingPool(pool: pg.Pool, plans: Array<{ sql: string; nodes: PlanNode[] }>): SearchDatabase {
  // a statement comes as text and values, or as a prepared statement's config (kit `prepared`)
  const explaining = (target: Pick<pg.PoolClient, 'query'>) => async (statement: string | pg.QueryConfig, given?: unknown[]) => {
    const sql = typeof statement === 'string' ? statement : statement.text;
    const values = typeof statement === 'string' ? given : statement.values;
    if (/chat\.messages m/.test(sql) && !sql.includes('ANY($1::text[])')) {
      const { rows: [row] } = await target.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
      plans.push({ sql, nodes: nodesOf(row!['QUERY PLAN'][0]!.Plan) });
    }
    return typeof statement === 'string' ? target.query(statement, given) : target.query(statement);
  };
  return {
    query: explaining(pool),
    connect: async () => {
      const client = await pool.connect();
      return Object.assign(Object.create(client) as pg.PoolClient, { query: explaining(client), release: () => client.release() });
    },
  } as unknown as SearchDatabase;
}

/** The same hits the slow way: every message tested with strpos, newest first. */
export async function expectedHits(pool: pg.Pool, query: SearchQuery, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ msgid: string }>(
    `SELECT msgid FROM chat.messages m WHERE strpos(lower(insight.message_text(m.msgtype, m.payload)), lower($1)) > 0
       AND ($2::text IS NULL OR m.room_id = $2) AND ($3::text IS NULL OR m.from_id = $3)
       AND ($4::timestamptz IS NULL OR m.msgtime >= $4) AND ($5::timestamptz IS NULL OR m.msgtime <= $5)
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT $6`,
    [query.term, query.roomId ?? null, query.personId ?? null, query.start ?? null, query.end ?? null, count]);
  return rows.map((row) => row.msgid);
}
