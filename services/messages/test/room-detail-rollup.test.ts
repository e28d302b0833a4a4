import { describe, expect, it } from 'vitest';
import { uniqueSuffix, useTestDatabase } from '@doitcrm/kit/testing';
import { readRoomDetail } from '../src/data-access/room-repository.ts';
import { insertMessages, text, type TestMessage } from './chat-factory.ts';

// The group page reads its totals and top members from the mapper's per-(id, chat) totals plus the messages after
// them; these tests hold it to the aggregate over the group's whole history that it replaced.
const db = useTestDatabase();
const timezone = 'Asia/Shanghai';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** A group with 25 members of uneven activity over 60 days up to now, a few recipients each message. */
async function generatedGroup(messages: number) {
  const suffix = uniqueSuffix();
  const room = `wrROLL${suffix}`;
  const members = Array.from({ length: 25 }, (_, i) => `wmROLL${i}_${suffix}`);
  const random = seeded(messages);
  const now = Date.now();
  const rows: TestMessage[] = Array.from({ length: messages }, (_, i) => {
    // squaring skews the draw: a few members write most messages, as in a real group
    const from = members[Math.floor(random() ** 2 * members.length)]!;
    return { from, to: [members[(i + 1) % members.length]!], roomId: room, at: new Date(now - Math.floor(random() * 60 * 86_400_000)), ...text(`第${i}条`) };
  });
  await insertMessages(db.pool, rows);
  return { room, members };
}

/** What the page showed before the rollup: every figure aggregated from the group's whole history. */
async function wholeHistory(room: string) {
  const { rows: [stats] } = await db.pool.query(
    `SELECT count(*)::int AS total, count(DISTINCT m.from_id)::int AS members, min(m.msgtime) AS first_at, max(m.msgtime) AS last_at,
            count(*) FILTER (WHERE m.msgtime >= now() - interval '7 days')::int AS week,
            count(*) FILTER (WHERE m.msgtime >= (date_trunc('day', now() AT TIME ZONE $2) AT TIME ZONE $2))::int AS today
     FROM chat.messages m WHERE m.room_id = $1 AND m.action <> 'switch'`, [room, timezone]);
  const { rows: members } = await db.pool.query(
    `SELECT m.from_id AS id, count(*)::int AS message_count, max(m.msgtime) AS last_active FROM chat.messages m
     WHERE m.room_id = $1 AND m.from_id IS NOT NULL AND m.action <> 'switch' GROUP BY m.from_id ORDER BY count(*) DESC, m.from_id LIMIT 20`, [room]);
  return {
    stats: {
      totalMessages: stats.total, activeMembers: stats.members, firstMessageTime: stats.first_at.toISOString(),
      lastMessageTime: stats.last_at.toISOString(), messages7Days: stats.week, messagesToday: stats.today,
    },
    members: members.map((row) => ({ id: row.id, messageCount: row.message_count, lastActive: row.last_active.toISOString() })),
  };
}

/** The per-(id, chat) totals an id extraction leaves for the group's messages up to `until` (senders and recipients). */
async function extractUntil(room: string, until: Date) {
  await db.pool.query(
    `INSERT INTO crm.identity_room_totals (original_id, room_id, sent, received, last_at)
     SELECT id, $1, sum(sent)::int, sum(received)::int, max(msgtime) FROM (
       SELECT from_id AS id, 1 AS sent, 0 AS received, msgtime FROM chat.messages WHERE room_id = $1 AND msgtime <= $2
       UNION ALL SELECT recipient, 0, 1, msgtime FROM chat.messages, unnest(to_ids) AS recipient WHERE room_id = $1 AND msgtime <= $2) a
     GROUP BY id`, [room, until]);
}

async function page(room: string) {
  const detail = (await readRoomDetail(db.pool, room, timezone))!;
  return { stats: detail.stats, members: detail.members.map(({ id, messageCount, lastActive }) => ({ id, messageCount, lastActive })) };
}

describe('group detail from the per-member totals', () => {
  it('when a generated group is fully extracted, then its totals and top 20 members equal the whole-history aggregate', async () => {
    const { room } = await generatedGroup(1_500);
    await extractUntil(room, new Date());

    const expected = await wholeHistory(room);
    expect(expected.members).toHaveLength(20);
    expect(await page(room)).toEqual(expected);
  });

  it('when messages arrived after the last extraction, then they are counted as well', async () => {
    const { room } = await generatedGroup(1_200);
    await extractUntil(room, new Date(Date.now() - 10 * 86_400_000));

    expect(await page(room)).toEqual(await wholeHistory(room));
  });

  it('when a group was never extracted, then every figure comes from its messages', async () => {
    const { room, members } = await generatedGroup(300);

    const shown = await page(room);

    expect(shown).toEqual(await wholeHistory(room));
    expect(shown.stats.totalMessages).toBe(300);
    expect(shown.members.every((member) => members.includes(member.id))).toBe(true);
  });
});
