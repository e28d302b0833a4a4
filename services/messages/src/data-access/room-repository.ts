import type { Queryable } from '@doitcrm/kit';
import type { MessageView, Page, PersonRole, RoomDetail, RoomStats, RoomTree, RoomTreeSection } from '../contract.ts';
import type { MessageCursor } from './keyset-cursor.ts';
import { toPage } from './keyset-cursor.ts';
import {
  FROM_UNMAPPED_PARENT, IS_CHAT, MESSAGE_COLUMNS, SENDER_JOIN, beforeCursor, sqlParams, toMessageView, type MessageRow,
} from './message-rows.ts';

/** Midnight of today in the display time zone, as SQL over parameter `tz`. */
const todayStart = (tz: string) => `(date_trunc('day', now() AT TIME ZONE ${tz}) AT TIME ZONE ${tz})`;
const NOT_A_CLASS_ROOM = 'NOT EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = r.original_id)';

export async function readRoomTree(db: Queryable): Promise<RoomTree> {
  const { rows } = await db.query<{
    section_id: number; section_name: string; level_id: number; level_name: string;
    class_id: number | null; class_name: string | null; room_id: string | null; room_name: string | null;
  }>(
    `SELECT sec.id AS section_id, sec.name AS section_name, l.id AS level_id, l.name AS level_name,
            c.id AS class_id, c.name AS class_name, c.room_id, coalesce(r.display_name, c.name) AS room_name
     FROM crm.sections sec
     JOIN crm.levels l ON l.section_id = sec.id AND l.is_active
     LEFT JOIN crm.classes c ON c.level_id = l.id AND c.is_active AND c.room_id IS NOT NULL
     LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = c.room_id
     WHERE sec.is_active
     ORDER BY sec.sort_order, l.sort_order, c.name, c.id`);
  const sections: RoomTreeSection[] = [];
  for (const row of rows) {
    let section = sections.find((candidate) => candidate.sectionId === row.section_id);
    if (!section) sections.push(section = { sectionId: row.section_id, sectionName: row.section_name, levels: [] });
    let level = section.levels.find((candidate) => candidate.levelId === row.level_id);
    if (!level) section.levels.push(level = { levelId: row.level_id, levelName: row.level_name, classes: [] });
    if (row.class_id !== null && row.room_id) {
      level.classes.push({ classId: row.class_id, className: row.class_name!, roomId: row.room_id, roomName: row.room_name! });
    }
  }
  const others = await db.query<{ original_id: string; room_name: string; notes: string | null }>(
    `SELECT r.original_id, coalesce(r.display_name, r.original_id) AS room_name, r.notes FROM crm.identities r
     WHERE r.id_type = 'room_id' AND ${NOT_A_CLASS_ROOM}
     ORDER BY r.business_name NULLS LAST, r.original_id`);
  return {
    classRooms: sections,
    otherRooms: others.rows.map((row) => ({ roomId: row.original_id, roomName: row.room_name, notes: row.notes })),
  };
}

export async function readRoomStats(db: Queryable, timezone: string): Promise<RoomStats> {
  const { rows: [row] } = await db.query<{
    total_rooms: number; class_rooms: number; other_rooms: number; today: number; week: number; active_today: number;
  }>(
    `SELECT (SELECT count(*) FROM crm.identities WHERE id_type = 'room_id')::int AS total_rooms,
            (SELECT count(*) FROM crm.classes WHERE room_id IS NOT NULL)::int AS class_rooms,
            (SELECT count(*) FROM crm.identities r WHERE r.id_type = 'room_id' AND ${NOT_A_CLASS_ROOM})::int AS other_rooms,
            today.messages AS today, today.rooms AS active_today,
            (SELECT count(*) FROM chat.messages m WHERE m.msgtime >= now() - interval '7 days' AND m.room_id IS NOT NULL)::int AS week
     FROM (SELECT count(*)::int AS messages, count(DISTINCT m.room_id)::int AS rooms FROM chat.messages m
           WHERE m.msgtime >= ${todayStart('$1')} AND m.room_id IS NOT NULL) today`,
    [timezone]);
  return {
    totalRooms: row!.total_rooms, classRoomsCount: row!.class_rooms, otherRoomsCount: row!.other_rooms,
    todayMessages: row!.today, weekMessages: row!.week, activeRoomsToday: row!.active_today,
  };
}

export async function roomMessagesPage(
  db: Queryable,
  query: { roomId: string; start: Date | null; end: Date | null; onlyUnmapped: boolean; cursor: MessageCursor | null; limit: number },
): Promise<Page<MessageView>> {
  const { values, param } = sqlParams([query.roomId]);
  const conditions = ['m.room_id = $1', IS_CHAT, beforeCursor(query.cursor, param)];
  if (query.start) conditions.push(`m.msgtime >= ${param(query.start)}`);
  if (query.end) conditions.push(`m.msgtime <= ${param(query.end)}`);
  if (query.onlyUnmapped) conditions.push(FROM_UNMAPPED_PARENT);
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM chat.messages m ${SENDER_JOIN}
     WHERE ${conditions.join(' AND ')} ORDER BY m.msgtime DESC, m.msgid DESC LIMIT ${param(query.limit + 1)}`,
    values);
  return toPage(rows, query.limit, (row) => toMessageView(row));
}

/**
 * Messages each sender wrote in group $1, for every sender, without reading the group's whole history: the mapper's
 * per-(id, chat) totals (crm.identity_room_totals, rebuilt for whole days by each id extraction) hold everything up
 * to the group's last extracted message, and only the messages after it are counted here. So a group's figures are
 * exact once its messages are extracted, and messages written since then are counted live; a message that arrives
 * later with an older time than the group's last extracted one (a re-import of old days) is counted from the
 * extraction of its run on. Extracted totals hold no message without a sender (the extraction keeps none).
 */
/*
 * `cut` is the group's last extracted message, read first and passed as a value: written as a subquery, the planner
 * could not know how few messages follow it and, at 10M messages, counted them with a parallel plan whose workers
 * took ~200 ms to start for a handful of rows (group detail p50 140 ms through HTTP).
 */
const sentByMember = (cut: string) => `
  kept AS MATERIALIZED (SELECT t.original_id AS from_id, t.sent, t.last_at FROM crm.identity_room_totals t WHERE t.room_id = $1),
  fresh AS MATERIALIZED (
    SELECT m.from_id, count(*)::int AS sent FROM chat.messages m
    WHERE m.room_id = $1 AND ${IS_CHAT} AND m.msgtime > ${cut}::timestamptz
    GROUP BY m.from_id),
  sent AS (SELECT from_id, sum(sent)::int AS sent FROM (SELECT from_id, sent FROM kept UNION ALL SELECT from_id, sent FROM fresh) u
           GROUP BY from_id)`;

export async function readRoomDetail(db: Queryable, roomId: string, timezone: string): Promise<RoomDetail | null> {
  const { rows: [info] } = await db.query<{
    room_name: string; notes: string | null; class_id: number | null; class_name: string | null; level_name: string | null;
    section_name: string | null; known: boolean;
  }>(
    `SELECT coalesce(r.display_name, c.name, $1) AS room_name, r.notes, c.id AS class_id, c.name AS class_name,
            l.name AS level_name, sec.name AS section_name, (r.id IS NOT NULL OR c.id IS NOT NULL) AS known
     FROM (SELECT $1::text AS room_id) q
     LEFT JOIN crm.identities r ON r.id_type = 'room_id' AND r.original_id = q.room_id
     LEFT JOIN crm.classes c ON c.room_id = q.room_id
     LEFT JOIN crm.levels l ON l.id = c.level_id
     LEFT JOIN crm.sections sec ON sec.id = l.section_id`, [roomId]);
  const { rows: [extracted] } = await db.query<{ cut: string }>(
    "SELECT coalesce(max(last_at), '-infinity')::text AS cut FROM crm.identity_room_totals WHERE room_id = $1", [roomId]);
  const cut = extracted!.cut;
  const { rows: [stats] } = await db.query<{
    total: number; members: number; first_at: Date | null; last_at: Date | null; week: number; today: number;
  }>(
    `WITH ${sentByMember('$3')}
     SELECT (SELECT coalesce(sum(s.sent), 0) FROM sent s)::int AS total,
            (SELECT count(*) FROM sent s WHERE s.from_id IS NOT NULL AND s.sent > 0)::int AS members,
            (SELECT min(m.msgtime) FROM chat.messages m WHERE m.room_id = $1 AND ${IS_CHAT}) AS first_at,
            (SELECT max(m.msgtime) FROM chat.messages m WHERE m.room_id = $1 AND ${IS_CHAT}) AS last_at,
            recent.week, recent.today
     FROM (SELECT count(*)::int AS week, count(*) FILTER (WHERE m.msgtime >= ${todayStart('$2')})::int AS today
           FROM chat.messages m WHERE m.room_id = $1 AND ${IS_CHAT} AND m.msgtime >= now() - interval '7 days') recent`,
    [roomId, timezone, cut]);
  if (!info!.known && stats!.last_at === null) return null;
  const members = await db.query<{ from_id: string; name: string; user_role: PersonRole | null; message_count: number; last_active: Date }>(
    `WITH ${sentByMember('$2')}
     SELECT t.from_id, coalesce(s.display_name, t.from_id) AS name, s.user_role, t.sent AS message_count, last.at AS last_active
     FROM (SELECT from_id, sent FROM sent WHERE from_id IS NOT NULL AND sent > 0 ORDER BY sent DESC, from_id LIMIT 20) t
     CROSS JOIN LATERAL (SELECT max(m.msgtime) AS at FROM chat.messages m WHERE m.room_id = $1 AND m.from_id = t.from_id AND ${IS_CHAT}) last
     LEFT JOIN crm.identities s ON s.id_type = 'user_id' AND s.original_id = t.from_id
     ORDER BY t.sent DESC, t.from_id`, [roomId, cut]);
  return {
    roomId,
    roomName: info!.room_name,
    notes: info!.notes,
    classId: info!.class_id,
    className: info!.class_name,
    levelName: info!.level_name,
    sectionName: info!.section_name,
    stats: {
      totalMessages: stats!.total,
      activeMembers: stats!.members,
      firstMessageTime: stats!.first_at?.toISOString() ?? null,
      lastMessageTime: stats!.last_at?.toISOString() ?? null,
      messages7Days: stats!.week,
      messagesToday: stats!.today,
    },
    members: members.rows.map((row) => ({
      id: row.from_id, name: row.name, role: row.user_role, messageCount: row.message_count, lastActive: row.last_active.toISOString(),
    })),
  };
}
