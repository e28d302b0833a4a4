// What the pages ask, as the benchmark drives it: people, groups and classes picked from the data (the biggest and
// busiest, and seeded random ones), search terms drawn at several frequencies and absent ones, first and deep pages.
import type pg from 'pg';
import type { GoalGroup } from './report.ts';
import type { ServiceName } from './services.ts';
import { ABSENT_TERMS, drawTerms, shuffle, type DrawnTerm } from './terms.ts';
import {
  originalAlerts, originalClassList, originalGroupPage, originalMapperUsers, originalPersonWindow, originalSearch, type OriginalQuery,
} from './originals.ts';

export interface Call {
  call: string;
  input: string;
  goal: GoalGroup;
  service: ServiceName;
  /** the requests of the runs, taken in turn */
  paths: string[];
  /** the original's query for the same call, when it had one */
  original?: () => OriginalQuery | Promise<OriginalQuery>;
}

/** GET with the session cookie; the parsed JSON body, or an error naming the call. */
export type Get = (service: ServiceName, path: string) => Promise<unknown>;

export interface Picks {
  seed: number;
  messages: number;
  end: Date;
  biggestRoom: string;
  randomRooms: string[];
  activeParent: string;
  randomParents: string[];
  busiestClass: number;
  randomClass: number;
  terms: DrawnTerm[];
}

const DAY_MS = 86_400_000;
const SAMPLE_TEXTS = 4000;

export async function pick(pool: pg.Pool, random: () => number, seed: number): Promise<Picks> {
  const { rows: [shape] } = await pool.query<{ messages: number; end: Date }>(
    'SELECT (SELECT count(*) FROM chat.messages)::int AS messages, (SELECT max(msgtime) FROM chat.messages) AS end');
  const { rows: rooms } = await pool.query<{ id: string }>(
    'SELECT room_id AS id FROM chat.messages WHERE room_id IS NOT NULL GROUP BY room_id ORDER BY count(*) DESC, room_id');
  const { rows: parents } = await pool.query<{ id: string }>(
    `SELECT m.from_id AS id FROM chat.messages m
     JOIN crm.identities i ON i.id_type = 'user_id' AND i.original_id = m.from_id AND i.user_role = 'parent'
     GROUP BY m.from_id ORDER BY count(*) DESC, m.from_id`);
  const { rows: classes } = await pool.query<{ id: number }>(
    `SELECT c.id FROM crm.classes c LEFT JOIN dashboard.class_day d ON d.class_id = c.id AND d.day >= $1::date
     WHERE c.is_active GROUP BY c.id ORDER BY coalesce(sum(d.messages), 0) DESC, c.id`, [new Date(shape!.end.getTime() - 30 * DAY_MS)]);
  if (rooms.length === 0 || parents.length === 0 || classes.length === 0) throw new Error('the dataset has no groups, parents or classes');
  // SYSTEM sampling reads whole pages: cheap at any size; REPEATABLE makes the sample the seed's
  const percent = Math.min(100, (SAMPLE_TEXTS * 3 * 100) / Math.max(1, shape!.messages));
  const { rows: texts } = await pool.query<{ text: string }>(
    `SELECT payload->>'content' AS text FROM chat.messages TABLESAMPLE SYSTEM ($1) REPEATABLE ($2)
     WHERE msgtype = 'text' AND payload->>'content' IS NOT NULL LIMIT ${SAMPLE_TEXTS}`, [percent, seed]);
  return {
    seed,
    messages: shape!.messages,
    end: shape!.end,
    biggestRoom: rooms[0]!.id,
    randomRooms: shuffle(rooms.slice(1), random).slice(0, 5).map((row) => row.id),
    activeParent: parents[0]!.id,
    randomParents: shuffle(parents.slice(1), random).slice(0, 5).map((row) => row.id),
    busiestClass: classes[0]!.id,
    randomClass: shuffle(classes.slice(1), random)[0]?.id ?? classes[0]!.id,
    terms: drawTerms(texts.map((row) => row.text), shape!.messages, random),
  };
}

const query = (values: Record<string, string | number | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
  return params.toString();
};

/** The cursor of page `page` (1 = the first page, no cursor) of a paged call, by following nextCursor; null when it has fewer pages. */
async function cursorOf(get: Get, service: ServiceName, path: string, page: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let i = 1; i < page; i += 1) {
    const body = await get(service, `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`) as { nextCursor: string | null };
    if (!body.nextCursor) return null;
    cursor = body.nextCursor;
  }
  return cursor;
}

async function deepPaths(get: Get, service: ServiceName, paths: string[], page: number): Promise<string[]> {
  const deep: string[] = [];
  for (const path of paths) {
    const cursor = await cursorOf(get, service, path, page);
    if (cursor) deep.push(`${path}&cursor=${encodeURIComponent(cursor)}`);
  }
  return deep;
}

function searchCalls(picks: Picks): Call[] {
  const path = (q: string, extra: Record<string, string | undefined> = {}) => `/api/search?${query({ q, limit: 30, ...extra })}`;
  const calls: Call[] = [];
  for (const frequency of ['common', 'medium', 'rare'] as const) {
    const terms = picks.terms.filter((term) => term.frequency === frequency);
    if (terms.length === 0) continue;
    calls.push({
      call: `search, ${frequency} terms`, input: terms.map((term) => `${term.term} (~${term.estimatedHits})`).join(', '),
      goal: 'search', service: 'messages', paths: terms.map((term) => path(term.term)), original: () => originalSearch(terms[0]!.term),
    });
  }
  for (const term of ABSENT_TERMS) {
    calls.push({ call: 'search, absent term', input: term, goal: 'search', service: 'messages', paths: [path(term)], original: () => originalSearch(term) });
  }
  const common = picks.terms.find((term) => term.frequency === 'common')?.term ?? '老师';
  const rare = picks.terms.find((term) => term.frequency === 'rare')?.term ?? '请假';
  const last90 = { start_time: new Date(picks.end.getTime() - 90 * DAY_MS).toISOString(), end_time: picks.end.toISOString() };
  calls.push(
    { call: 'search, common term in the biggest group', input: common, goal: 'search', service: 'messages',
      paths: [path(common, { room_id: picks.biggestRoom })], original: () => originalSearch(common, picks.biggestRoom) },
    { call: 'search, absent term in the biggest group', input: '龘靐', goal: 'search', service: 'messages', paths: [path('龘靐', { room_id: picks.biggestRoom })],
      original: () => originalSearch('龘靐', picks.biggestRoom) },
    { call: 'search, one rare character in the biggest group', input: '犇', goal: 'search', service: 'messages', paths: [path('犇', { room_id: picks.biggestRoom })] },
    { call: 'search, common term by the most active parent', input: common, goal: 'search', service: 'messages', paths: [path(common, { user_id: picks.activeParent })] },
    { call: 'search, common term, last 90 days', input: common, goal: 'search', service: 'messages', paths: [path(common, last90)] },
    { call: 'search, rare term, last 90 days', input: rare, goal: 'search', service: 'messages', paths: [path(rare, last90)] },
    { call: 'search, absent term, last 90 days', input: '犇淼', goal: 'search', service: 'messages', paths: [path('犇淼', last90)] },
  );
  return calls;
}

function personAndGroupCalls(picks: Picks): Call[] {
  const end = picks.end;
  const start30 = new Date(end.getTime() - 30 * DAY_MS);
  // the month before the last one, as the window picker's "month" asks it (Beijing calendar)
  const beijing = new Date(end.getTime() + 8 * 3600_000);
  const monthStart = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - 1, 1) - 8 * 3600_000);
  const monthEnd = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), 1) - 8 * 3600_000 - 1000);
  const person = (id: string, from: Date, to: Date) => `/api/user-messages?${query({ user_id: id, start_time: from.toISOString(), end_time: to.toISOString(), limit: 50 })}`;
  const room = (id: string) => `/api/room-messages?${query({ room_id: id, limit: 50 })}`;
  return [
    { call: 'parent, last 30 days', input: `most active parent ${picks.activeParent}`, goal: 'person', service: 'messages',
      paths: [person(picks.activeParent, start30, end)], original: () => originalPersonWindow(picks.activeParent, start30, end) },
    { call: 'parent, last 30 days', input: `random parents ${picks.randomParents.join(' ')}`, goal: 'person', service: 'messages',
      paths: picks.randomParents.map((id) => person(id, start30, end)), original: () => originalPersonWindow(picks.randomParents[0]!, start30, end) },
    { call: 'parent, a calendar month', input: `most active parent, ${monthStart.toISOString().slice(0, 10)} (UTC)`, goal: 'person', service: 'messages',
      paths: [person(picks.activeParent, monthStart, monthEnd)], original: () => originalPersonWindow(picks.activeParent, monthStart, monthEnd) },
    { call: 'group page, first page', input: `biggest group ${picks.biggestRoom}`, goal: 'group', service: 'messages',
      paths: [room(picks.biggestRoom)], original: () => originalGroupPage(picks.biggestRoom, 0) },
    { call: 'group page, first page', input: `random groups ${picks.randomRooms.join(' ')}`, goal: 'group', service: 'messages',
      paths: picks.randomRooms.map(room), original: () => originalGroupPage(picks.randomRooms[0]!, 0) },
    { call: 'group detail', input: `biggest group ${picks.biggestRoom}`, goal: 'group', service: 'messages', paths: [`/api/room-detail/${encodeURIComponent(picks.biggestRoom)}`] },
  ];
}

function dashboardAndRosterCalls(picks: Picks): Call[] {
  return [
    { call: 'dashboard overview', input: '30 days', goal: 'dashboard', service: 'dashboard', paths: ['/api/overview-stats?days=30'] },
    { call: 'dashboard class list', input: '30 days, all classes', goal: 'dashboard', service: 'dashboard',
      paths: ['/api/class-stats?days=30&sort=hierarchy&order=asc'], original: originalClassList },
    { call: 'dashboard class detail', input: `busiest class ${picks.busiestClass}, random class ${picks.randomClass}`, goal: 'dashboard', service: 'dashboard',
      paths: [picks.busiestClass, picks.randomClass].map((id) => `/api/class-details/${id}?days=30`) },
    { call: 'dashboard alerts', input: 'open', goal: 'dashboard', service: 'dashboard', paths: ['/api/alerts?state=active'], original: originalAlerts },
    { call: 'roster class list', input: 'hierarchy', goal: 'none', service: 'roster', paths: ['/api/hierarchy?includeInactive=false'] },
  ];
}

function mapperCalls(get: Get): Call[] {
  const firstPageIds = async (path: string) => ((await get('mapper', path)) as { items: Array<{ originalId: string }> }).items.map((item) => item.originalId);
  const users = '/api/mappings/user_id?limit=50';
  return [
    { call: 'mapper users, first page', input: '50', goal: 'mapper', service: 'mapper', paths: [users],
      original: async () => originalMapperUsers(await firstPageIds(users)) },
    { call: 'mapper users, unmapped', input: 'state=unmapped', goal: 'mapper', service: 'mapper', paths: [`${users}&state=unmapped`] },
    { call: 'mapper users, keyword', input: '妈妈', goal: 'mapper', service: 'mapper', paths: [`${users}&keyword=${encodeURIComponent('妈妈')}`] },
    { call: 'mapper rooms, first page', input: '50', goal: 'mapper', service: 'mapper', paths: ['/api/mappings/room_id?limit=50'] },
    { call: 'mapper stats', input: '', goal: 'mapper', service: 'mapper', paths: ['/api/stats'] },
  ];
}

/** Every call of the run; the deep pages are found by following nextCursor now, so the runs time one request each. */
export async function buildCalls(picks: Picks, get: Get): Promise<Call[]> {
  const calls = [...searchCalls(picks), ...personAndGroupCalls(picks), ...dashboardAndRosterCalls(picks), ...mapperCalls(get)];
  const common = picks.terms.filter((term) => term.frequency === 'common').map((term) => `/api/search?${query({ q: term.term, limit: 30 })}`);
  const deep: Array<[string, string, GoalGroup, ServiceName, string[], number]> = [
    ['search, common terms, page 8', 'common terms', 'search', 'messages', common, 8],
    ['group page, page 10', `biggest group ${picks.biggestRoom}`, 'group', 'messages', [`/api/room-messages?${query({ room_id: picks.biggestRoom, limit: 50 })}`], 10],
    ['mapper users, page 6', '50 a page', 'mapper', 'mapper', ['/api/mappings/user_id?limit=50'], 6],
  ];
  for (const [call, input, goal, service, paths, page] of deep) {
    const found = await deepPaths(get, service, paths, page);
    if (found.length > 0) {
      calls.push({ call, input, goal, service, paths: found,
        ...(call.startsWith('group') ? { original: () => originalGroupPage(picks.biggestRoom, (page - 1) * 50) } : {}) });
    }
  }
  return calls;
}
