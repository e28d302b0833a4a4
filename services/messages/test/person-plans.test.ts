import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { listConversations } from '../src/data-access/conversation-repository.ts';
import { insertMessages, text } from './chat-factory.ts';
import { explainingPool, seeded, type PlanNode } from './search-plan-explain.ts';

// A person's view counts every message the person sent or received in the window. Read from the table, each row is a
// heap page (1,322 of them for the most active parent's 30 days at 10M messages, p95 48 ms through HTTP); migration
// 1764000029000 carries what the count reads in the indexes, and this test keeps the count off the table.
const db = useTestDatabase();
const END = new Date('2026-06-30T12:00:00Z');
const ROOMS = Array.from({ length: 12 }, (_, i) => `wrPERSON${i}`);
const PEOPLE = Array.from({ length: 120 }, (_, i) => `wmPERSON${i}`);
const TEACHERS = Array.from({ length: 8 }, (_, i) => `tPERSON${i}`);
const ACTIVE = PEOPLE[0]!;

beforeAll(async () => {
  const random = seeded(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  for (let chunk = 0; chunk < 6; chunk += 1) {
    await insertMessages(db.pool, Array.from({ length: 5_000 }, (_, i) => {
      const n = chunk * 5_000 + i;
      const at = new Date(END.getTime() - (30_000 - n) * 15 * 60_000);
      // a fifth of the traffic is the active parent's; a third is 1:1 with a teacher, both ways
      const from = random() < 0.2 ? ACTIVE : pick([...PEOPLE, ...TEACHERS]);
      const direct = random() < 0.33;
      const to = direct ? [from.startsWith('t') ? (random() < 0.5 ? ACTIVE : pick(PEOPLE)) : pick(TEACHERS)] : [pick(TEACHERS)];
      return { msgid: `PERSON${n}`, from, to, roomId: direct ? undefined : pick(ROOMS), at, ...text(`第${n}条`) };
    }));
  }
  await db.pool.query('VACUUM ANALYZE chat.messages');
}, 120_000);

describe("a person's conversation list", () => {
  it('when the most active person\'s 30 days are counted, then every range of chat.messages is read from an index alone', async () => {
    const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
    const window = { start: new Date(END.getTime() - 30 * 86_400_000), end: END };

    const conversations = await listConversations(explainingPool(db.pool, plans), ACTIVE, window);

    const { rows: [expected] } = await db.pool.query<{ groups: number; direct: number }>(
      `SELECT count(DISTINCT room_id) FILTER (WHERE from_id = $1 AND room_id IS NOT NULL)::int AS groups,
              count(DISTINCT CASE WHEN from_id = $1 THEN to_ids[1] ELSE from_id END) FILTER (WHERE room_id IS NULL)::int AS direct
       FROM chat.messages WHERE msgtime BETWEEN $2 AND $3 AND (from_id = $1 OR (room_id IS NULL AND to_ids[1] = $1))`,
      [ACTIVE, window.start, window.end]);
    expect(conversations.filter((c) => c.type === 'group')).toHaveLength(expected!.groups);
    expect(conversations.filter((c) => c.type === 'private')).toHaveLength(expected!.direct);
    const scans = plans.flatMap((plan) => plan.nodes).filter((node) => node['Relation Name'] === 'messages');
    expect(scans.length).toBeGreaterThanOrEqual(3);
    expect(scans.map((node) => [node['Node Type'], node['Heap Fetches']])).toEqual(scans.map(() => ['Index Only Scan', 0]));
  });
});
