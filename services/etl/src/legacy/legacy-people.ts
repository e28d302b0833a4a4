import type pg from 'pg';
import { enqueueEvent, type PoolClient } from '@doitcrm/kit';
import { idKindOf } from '@doitcrm/types';
import { GroupTally } from './legacy-report.ts';
import type { LegacySchema } from './legacy-source.ts';

/** One mapping of the original as an identity here. */
export interface IncomingIdentity {
  id_type: 'user_id' | 'room_id';
  original_id: string;
  id_kind: string;
  wecom_nickname: string | null;
  business_name: string | null;
  user_role: string | null;
  notes: string | null;
  profile: Record<string, unknown>;
}

interface LegacyMappingRow {
  id: number;
  id_type: string;
  original_id: string | null;
  wecom_nickname: string | null;
  business_name: string | null;
  user_role: string | null;
  notes: string | null;
  profile: Record<string, unknown> | null;
  student_level?: string | null;
  student_section?: string | null;
  student_name?: string | null;
  student_english_name?: string | null;
  student_class_room_id?: string | null;
}

export type LegacyV1Mapping = LegacyMappingRow;

const ROLES = new Set(['parent', 'teacher', 'head_teacher', 'advisor']);
// the v1 mapper stored its labels; migrate_legacy_to_v2.sql mapped them the same way
const CHINESE_ROLES: Record<string, string> = { 家长: 'parent', 老师: 'teacher', 班主任: 'head_teacher', 服务顾问: 'advisor' };

const blankToNull = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim());

/** Legacy mapping id → the WeCom id it names, for the relation table (which points at mapping ids). */
export type MappingIds = Map<number, { idType: string; originalId: string }>;

async function readMappings(legacy: pg.Client, schema: LegacySchema): Promise<{ v2: LegacyMappingRow[]; v1: LegacyMappingRow[] }> {
  const v2 = schema.v2Mappings
    ? (await legacy.query<LegacyMappingRow>('SELECT id, id_type, original_id, wecom_nickname, business_name, user_role, notes, profile FROM v2.wecom_id_mappings ORDER BY id')).rows
    : [];
  const levels = schema.v1LevelColumns ? ', student_level, student_section' : '';
  const v1 = schema.v1Mappings
    ? (await legacy.query<LegacyMappingRow>(
      `SELECT id, id_type, original_id, display_name AS wecom_nickname, NULL AS business_name, user_role, notes, NULL::jsonb AS profile${levels},
         student_name, student_english_name, student_class_room_id
       FROM public.wecom_id_mappings ORDER BY id`,
    )).rows
    : [];
  return { v2, v1 };
}

function toIncoming(row: LegacyMappingRow, table: string, tally: GroupTally): IncomingIdentity | null {
  const originalId = blankToNull(row.original_id);
  if (!originalId) {
    tally.skip(table, row.id, '缺少企业微信 ID (original_id is empty)');
    return null;
  }
  if (row.id_type !== 'user_id' && row.id_type !== 'room_id') {
    tally.skip(table, `${row.id} ${originalId}`, `未知的 ID 类型「${row.id_type}」(id_type must be user_id or room_id)`);
    return null;
  }
  const rawRole = blankToNull(row.user_role);
  let role = rawRole === null ? null : ROLES.has(rawRole) ? rawRole : CHINESE_ROLES[rawRole] ?? null;
  if (rawRole !== null && role === null) tally.note(table, originalId, `角色「${rawRole}」无法识别，导入时不带角色 (unknown role dropped)`);
  if (row.id_type === 'room_id' && role !== null) {
    tally.note(table, originalId, `群聊不能有角色「${rawRole}」，已去掉 (a group has no role)`);
    role = null;
  }
  const profile: Record<string, unknown> = { ...(row.profile ?? {}) };
  if (blankToNull(row.student_level)) profile.student_level = row.student_level!.trim();
  if (blankToNull(row.student_section)) profile.student_section = row.student_section!.trim();
  return {
    id_type: row.id_type,
    original_id: originalId,
    id_kind: idKindOf(originalId, row.id_type),
    wecom_nickname: blankToNull(row.wecom_nickname),
    business_name: blankToNull(row.business_name),
    user_role: role,
    notes: blankToNull(row.notes),
    profile,
  };
}

// Each field keeps what this installation set (a name typed in the mapper since the last import), unless the
// operator asked for the original's values ($2); an empty value never replaces a set one either way.
const UPSERT_IDENTITIES = `
  WITH incoming AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (id_type text, original_id text, id_kind text, wecom_nickname text,
      business_name text, user_role text, notes text, profile jsonb)
  ), merged AS (
    SELECT n.id_type, n.original_id, n.id_kind, i.id AS existing,
      CASE WHEN $2 THEN coalesce(n.wecom_nickname, i.wecom_nickname) ELSE coalesce(crm.name_or_null(i.wecom_nickname), n.wecom_nickname) END AS wecom_nickname, -- field merge, not a display name
      CASE WHEN $2 THEN coalesce(n.business_name, i.business_name) ELSE coalesce(crm.name_or_null(i.business_name), n.business_name) END AS business_name, -- field merge, not a display name
      CASE WHEN $2 THEN coalesce(n.user_role, i.user_role) ELSE coalesce(i.user_role, n.user_role) END AS user_role,
      CASE WHEN $2 THEN coalesce(n.notes, i.notes) ELSE coalesce(nullif(btrim(i.notes), ''), n.notes) END AS notes,
      CASE WHEN $2 THEN coalesce(i.profile, '{}') || n.profile ELSE n.profile || coalesce(i.profile, '{}') END AS profile,
      i.wecom_nickname AS old_nickname, i.business_name AS old_business_name, i.user_role AS old_role, i.notes AS old_notes, i.profile AS old_profile
    FROM incoming n LEFT JOIN crm.identities i ON i.id_type = n.id_type AND i.original_id = n.original_id
  ), changed AS (
    SELECT * FROM merged
    WHERE existing IS NULL OR (wecom_nickname, business_name, user_role, notes, profile)
      IS DISTINCT FROM (old_nickname, old_business_name, old_role, old_notes, old_profile)
  ), written AS (
    INSERT INTO crm.identities AS i (id_type, original_id, id_kind, wecom_nickname, business_name, user_role, notes, profile, name_status)
    SELECT id_type, original_id, id_kind, wecom_nickname, business_name, user_role, notes, profile,
      CASE WHEN crm.name_or_null(wecom_nickname) IS NULL THEN 'pending' ELSE 'resolved' END
    FROM changed
    ON CONFLICT (id_type, original_id) DO UPDATE SET wecom_nickname = EXCLUDED.wecom_nickname, business_name = EXCLUDED.business_name,
      user_role = EXCLUDED.user_role, notes = EXCLUDED.notes, profile = EXCLUDED.profile,
      name_status = CASE WHEN crm.name_or_null(EXCLUDED.wecom_nickname) IS NULL THEN i.name_status ELSE 'resolved' END, updated_at = now()
    RETURNING (xmax = 0) AS inserted, i.id_type, i.original_id
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
    coalesce(array_agg(original_id) FILTER (WHERE id_type = 'user_id'), '{}') AS users, coalesce(array_agg(original_id) FILTER (WHERE id_type = 'room_id'), '{}') AS rooms
  FROM written`;

/** Where this installation and the original name or role the same id differently. */
async function findConflicts(client: PoolClient, incoming: IncomingIdentity[], tally: GroupTally): Promise<void> {
  const { rows } = await client.query<{ id_type: string; original_id: string; business_name: string | null; user_role: string | null }>(
    `SELECT id_type, original_id, crm.name_or_null(business_name) AS business_name, user_role FROM crm.identities
     WHERE (id_type, original_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [incoming.map((row) => row.id_type), incoming.map((row) => row.original_id)],
  );
  const here = new Map(rows.map((row) => [`${row.id_type}:${row.original_id}`, row]));
  for (const row of incoming) {
    const mine = here.get(`${row.id_type}:${row.original_id}`);
    if (!mine) continue;
    if (mine.business_name && row.business_name && mine.business_name !== row.business_name) {
      tally.conflicts.push({ kind: 'identity', key: row.original_id, field: 'business_name', here: mine.business_name, legacy: row.business_name });
    }
    if (mine.user_role && row.user_role && mine.user_role !== row.user_role) {
      tally.conflicts.push({ kind: 'identity', key: row.original_id, field: 'user_role', here: mine.user_role, legacy: row.user_role });
    }
  }
}

/**
 * v2 mappings, and v1 mappings for the ids v2 does not have (a v1-only database: all of them), as identities here.
 * Returns the legacy mapping ids of both tables for the relations that point at them.
 */
export async function importPeople(
  legacy: pg.Client, schema: LegacySchema, client: PoolClient, options: { preferLegacy: boolean },
): Promise<{ tally: GroupTally; v2Ids: MappingIds; v1Rows: LegacyMappingRow[] }> {
  const tally = new GroupTally('people');
  const { v2, v1 } = await readMappings(legacy, schema);
  const incoming: IncomingIdentity[] = [];
  const seen = new Set<string>();
  const v2Ids: MappingIds = new Map();
  for (const [table, rows] of [['v2.wecom_id_mappings', v2], ['public.wecom_id_mappings', v1]] as const) {
    for (const row of rows) {
      tally.counts.read += 1;
      const identity = toIncoming(row, table, tally);
      if (!identity) continue;
      const key = `${identity.id_type}:${identity.original_id}`;
      if (table === 'v2.wecom_id_mappings') v2Ids.set(row.id, { idType: identity.id_type, originalId: identity.original_id });
      if (seen.has(key)) {
        // v1 rows of ids v2 holds were copied to v2 by the original's migration: v2's is the curated one
        tally.counts.unchanged += 1;
        continue;
      }
      seen.add(key);
      incoming.push(identity);
    }
  }
  await findConflicts(client, incoming, tally);
  const changed = { user_id: [] as string[], room_id: [] as string[] };
  for (let start = 0; start < incoming.length; start += 2_000) {
    const batch = incoming.slice(start, start + 2_000);
    const { rows: [written] } = await client.query<{ inserted: number; updated: number; users: string[]; rooms: string[] }>(
      UPSERT_IDENTITIES, [JSON.stringify(batch), options.preferLegacy]);
    tally.counts.inserted += written!.inserted;
    tally.counts.updated += written!.updated;
    tally.counts.unchanged += batch.length - written!.inserted - written!.updated;
    changed.user_id.push(...written!.users);
    changed.room_id.push(...written!.rooms);
  }
  // the dashboard recounts its classes' parents, like after an edit in the mapper
  for (const idType of ['user_id', 'room_id'] as const) {
    if (changed[idType].length > 0) {
      await enqueueEvent(client, 'mapping.changed', { idType, originalIds: changed[idType], fields: ['businessName', 'userRole', 'wecomNickname', 'notes', 'profile'], userId: null });
    }
  }
  return { tally, v2Ids, v1Rows: v1 };
}
