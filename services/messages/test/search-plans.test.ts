import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { decodeCursor } from '../src/data-access/keyset-cursor.ts';
import { searchNewestFirst, type SearchDatabase, type SearchQuery } from '../src/data-access/search-repository.ts';
import { WALK_CHEAP } from '../src/domain/search-plan.ts';
import { bigramsOf } from '../src/domain/search-terms.ts';
import { insertMessages, text } from './chat-factory.ts';

// The plans the search issues, on an archive big enough that PostgreSQL has a real choice (30,000 messages over 13
// months, ANALYZEd): the test that would have caught a search walking the time index with the bigram test as a filter.
const db = useTestDatabase();
const MESSAGES = 30_000;
const END = new Date('2026-06-30T12:00:00Z');
const ROOMS = Array.from({ length: 20 }, (_, i) => `wrPLAN${i}`);
const SENDERS = Array.from({ length: 200 }, (_, i) => `wmPLAN${i}`);
const PHRASES = ['老师好', '谢谢老师', '收到', '孩子今天的作业写完了', '请假一天', '退费的事情', '上课时间改了', '打卡', '好的',
  '明天见', '口语练习', '辛苦了', 'Unit 3 的单词', 'it is fine', 'nice minute', 'united', 'fun time', '2024年的课表', '作业'];
const FILLER = [...'的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感'];

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function fillArchive(pool: pg.Pool): Promise<void> {
  const random = seeded(15);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const span = 395 * 86_400_000;
  for (let chunk = 0; chunk < MESSAGES / 5_000; chunk += 1) {
    await insertMessages(pool, Array.from({ length: 5_000 }, (_, i) => {
      const n = chunk * 5_000 + i;
      const filler = Array.from({ length: 4 + Math.floor(random() * 20) }, () => pick(FILLER)).join('');
      return {
        msgid: `PLAN${String(n).padStart(6, '0')}`, from: pick(SENDERS), roomId: pick(ROOMS),
        at: new Date(END.getTime() - span + Math.floor((n / MESSAGES) * span)), ...text(`${pick(PHRASES)}${filler}${random() < 0.5 ? pick(PHRASES) : ''}`),
      };
    }));
  }
  await pool.query('VACUUM ANALYZE chat.messages');
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** A pool whose clients run EXPLAIN ANALYZE of every search statement first, in the same transaction and settings. */
function explainingPool(pool: pg.Pool, plans: Array<{ sql: string; nodes: PlanNode[] }>): SearchDatabase {
  const explaining = (target: Pick<pg.PoolClient, 'query'>) => async (sql: string, values?: unknown[]) => {
    if (/chat\.messages m/.test(sql) && !sql.includes('ANY($1::text[])')) {
      const { rows: [row] } = await target.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
      plans.push({ sql, nodes: nodesOf(row!['QUERY PLAN'][0]!.Plan) });
    }
    return target.query(sql, values);
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
async function expectedHits(pool: pg.Pool, query: SearchQuery, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ msgid: string }>(
    `SELECT msgid FROM chat.messages m WHERE strpos(lower(insight.message_text(m.msgtype, m.payload)), lower($1)) > 0
       AND ($2::text IS NULL OR m.room_id = $2) AND ($3::text IS NULL OR m.from_id = $3)
       AND ($4::timestamptz IS NULL OR m.msgtime >= $4) AND ($5::timestamptz IS NULL OR m.msgtime <= $5)
     ORDER BY m.msgtime DESC, m.msgid DESC LIMIT $6`,
    [query.term, query.roomId ?? null, query.personId ?? null, query.start ?? null, query.end ?? null, count]);
  return rows.map((row) => row.msgid);
}

const TERMS = ['龘靐', '犇淼', '张三丰', '退费申请', 'Unit', 'unit 3', '老师', '谢谢老师', '口语', '2024', '的事情', '了我'];
const FILTERS: Array<[string, Partial<SearchQuery>]> = [
  ['no filter', {}],
  ['a group', { roomId: ROOMS[3] }],
  ['a sender', { personId: SENDERS[7] }],
  ['a month', { start: new Date(END.getTime() - 120 * 86_400_000), end: new Date(END.getTime() - 90 * 86_400_000) }],
];

describe('search plans on a 30,000-message archive', () => {
  beforeAll(() => fillArchive(db.pool), 120_000);

  it.each(FILTERS)('when every kind of term is searched with %s, then no plan tests bigrams row by row and every scan of messages is bounded', async (_, filter) => {
    for (const term of TERMS) {
      const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
      const search = (cursor: string | null) =>
        searchNewestFirst(explainingPool(db.pool, plans), { term, useIndex: bigramsOf(term).length > 0, cursor: decodeCursor(cursor ?? undefined), limit: 30, ...filter });
      const first = await search(null);
      const second = first.nextCursor ? await search(first.nextCursor) : { items: [] };
      const expected = await expectedHits(db.pool, { term, cursor: null, limit: 60, useIndex: true, ...filter }, 61);
      expect([...first.items, ...second.items].map((hit) => hit.msgid), term).toEqual(expected.slice(0, 60));
      const scans = plans.flatMap((plan) => plan.nodes.filter((node) => node['Relation Name'] === 'messages').map((node) => ({ ...node, sql: plan.sql })));
      // the bigram test belongs in the GIN index's condition, never in a filter run on every row a scan reads
      expect(scans.filter((node) => node.Filter?.includes('bigrams(')).map((node) => `${node['Node Type']} ${node['Index Name'] ?? ''}: ${node.sql}`), term).toEqual([]);
      // the rows a scan hands on are the rows whose text is tested: bounded by the walk's budget or the candidates
      // of a window (rows dropped by a group or sender test before any text is read are cheap, and the planner's call)
      const tested = scans.map((node) => node['Actual Rows'] * node['Actual Loops']);
      expect(Math.max(0, ...tested), term).toBeLessThanOrEqual(2 * WALK_CHEAP + 31);
    }
  });

  it('when a walk would need thousands of rows, then bitmaps over growing windows below the page find the same hits', async () => {
    // pages of 200: a phrase in ~8 % of messages needs ~2,500 rows walked, more than a walk is allowed
    let windowed = 0;
    for (const term of ['收到', '打卡', '口语', '明天见']) {
      for (const [, filter] of FILTERS) {
        const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
        const search = (cursor: string | null) => searchNewestFirst(explainingPool(db.pool, plans),
          { term, useIndex: true, cursor: decodeCursor(cursor ?? undefined), limit: 200, ...filter });
        const first = await search(null);
        const second = first.nextCursor ? await search(first.nextCursor) : { items: [] };
        const expected = await expectedHits(db.pool, { term, cursor: null, limit: 400, useIndex: true, ...filter }, 400);
        expect([...first.items, ...second.items].map((hit) => hit.msgid), term).toEqual(expected);
        const nodes = plans.flatMap((plan) => plan.nodes);
        expect(nodes.filter((node) => node['Relation Name'] === 'messages' && node.Filter?.includes('bigrams(')), term).toEqual([]);
        windowed += plans.filter((plan) => /msgtime >= \$/.test(plan.sql) && plan.sql.includes('@>')).length;
      }
    }
    expect(windowed).toBeGreaterThan(0);
  });

  it('when a term holds a bigram the archive never has, then only the bigram index is read', async () => {
    for (const term of ['龘靐', '犇淼', '张三丰', '退费申请']) {
      const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
      const page = await searchNewestFirst(explainingPool(db.pool, plans), { term, useIndex: true, cursor: null, limit: 30 });
      expect(page.items, term).toEqual([]);
      const nodes = plans.flatMap((plan) => plan.nodes);
      expect(nodes.filter((node) => node['Node Type'] === 'Bitmap Index Scan').map((node) => node['Index Name']), term).toEqual(['messages_text_bigrams_idx']);
      expect(nodes.filter((node) => /Index Scan|Seq Scan/.test(node['Node Type']) && node['Node Type'] !== 'Bitmap Index Scan'), term).toEqual([]);
    }
  });
});
