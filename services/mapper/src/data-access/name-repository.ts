import type { Queryable } from '@doitcrm/kit';
import type { IdKind } from '@doitcrm/types';
import type { IdType, MappingQuery } from '../contract.ts';
import { buildMappingFilter, type FilterSql } from './mapping-filter.ts';

/** Which identities a nickname job walks: the list's filter, optionally narrowed to names never fetched. */
export interface NameScope {
  idType: IdType;
  filter: MappingQuery;
  onlyPending: boolean;
}

export interface NameCandidate {
  id: number;
  originalId: string;
  idKind: IdKind;
}

export interface ResolvedName {
  identityId: number;
  nickname: string;
}

export interface UnresolvableName {
  identityId: number;
  /** what WeCom said, errcode first ("84061 成员与该客户之间没有好友关系…") */
  error: string;
}

function scopeSql(scope: NameScope, firstParam = 1): FilterSql {
  // the one filter the lists use, so "fetch names for what I see" means exactly that
  const filter = buildMappingFilter(scope.idType, scope.filter, firstParam);
  return scope.onlyPending ? { ...filter, where: `${filter.where} AND i.name_status = 'pending'` } : filter;
}

/** How many identities the scope matches after `afterId` (the whole walk when it is 0). */
export async function countNameCandidates(db: Queryable, scope: NameScope, afterId = 0): Promise<number> {
  const filter = scopeSql(scope, 2);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${filter.from} WHERE i.id > $1 AND ${filter.where}`, [afterId, ...filter.values]);
  return rows[0]?.n ?? 0;
}

/** The next page of the walk: identities after `afterId`, in id order (keyset paging, stable under writes). */
export async function nextNameCandidates(db: Queryable, scope: NameScope, afterId: number, limit: number): Promise<NameCandidate[]> {
  const filter = scopeSql(scope, 3);
  const { rows } = await db.query<{ id: string; original_id: string; id_kind: IdKind }>(
    `SELECT i.id, i.original_id, i.id_kind FROM ${filter.from}
     WHERE i.id > $1 AND ${filter.where}
     ORDER BY i.id LIMIT $2`,
    [afterId, limit, ...filter.values],
  );
  // bigserial comes back as text; identity ids stay far below 2^53
  return rows.map((row) => ({ id: Number(row.id), originalId: row.original_id, idKind: row.id_kind }));
}

/**
 * Writes what WeCom answered. Only the WeCom-owned columns change: business names, roles and notes are people's
 * work and are never written here.
 */
export async function saveResolvedNames(db: Queryable, names: readonly ResolvedName[]): Promise<void> {
  if (names.length === 0) return;
  await db.query(
    `UPDATE crm.identities i SET wecom_nickname = n.nickname, name_status = 'resolved', name_error = NULL, name_fetched_at = now()
     FROM unnest($1::bigint[], $2::text[]) AS n (id, nickname)
     WHERE i.id = n.id`,
    [names.map((name) => name.identityId), names.map((name) => name.nickname)],
  );
}

/**
 * Names learned elsewhere (contacts-sync's `contacts.changed`) as the nickname fetch would write them: the ids the
 * mapper knows whose WeCom nickname is missing or different, ready for saveResolvedNames. Ids it does not know yet are
 * left out (extraction creates identities from the archive, not from the directory).
 */
export async function namesToUpdate(db: Queryable, names: ReadonlyArray<{ idType: IdType; originalId: string; nickname: string }>): Promise<ResolvedName[]> {
  if (names.length === 0) return [];
  const { rows } = await db.query<{ id: string; nickname: string }>(
    `SELECT i.id, n.nickname FROM unnest($1::text[], $2::text[], $3::text[]) AS n (id_type, original_id, nickname)
     JOIN crm.identities i ON i.id_type = n.id_type AND i.original_id = n.original_id
     WHERE i.wecom_nickname IS DISTINCT FROM n.nickname OR i.name_status <> 'resolved'`,
    [names.map((n) => n.idType), names.map((n) => n.originalId), names.map((n) => n.nickname)],
  );
  return rows.map((row) => ({ identityId: Number(row.id), nickname: row.nickname }));
}

/** Marks ids WeCom will never name, with why; pending-only jobs then leave them alone. A known nickname stays. */
export async function saveUnresolvableNames(db: Queryable, names: readonly UnresolvableName[]): Promise<void> {
  if (names.length === 0) return;
  await db.query(
    `UPDATE crm.identities i SET name_status = 'unresolvable', name_error = n.error, name_fetched_at = now()
     FROM unnest($1::bigint[], $2::text[]) AS n (id, error)
     WHERE i.id = n.id`,
    [names.map((name) => name.identityId), names.map((name) => name.error)],
  );
}
