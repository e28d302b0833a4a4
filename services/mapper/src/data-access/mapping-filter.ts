import type { IdType, MappingQuery } from '../contract.ts';

/** Beijing date window → activity days (inclusive); the list and the nickname job share this one filter. */
export interface FilterSql {
  /** conditions on `i` (crm.identities), joined with AND */
  where: string;
  values: unknown[];
}

// mapped: a business name and a role, and for parents at least one student; rooms: a name or a class
const MAPPED_USER = `(nullif(i.business_name, '') IS NOT NULL AND i.user_role IS NOT NULL
  AND (i.user_role <> 'parent' OR EXISTS (SELECT 1 FROM crm.guardianships g WHERE g.identity_id = i.id)))`;
const MAPPED_ROOM = `(nullif(i.business_name, '') IS NOT NULL OR EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = i.original_id))`;

export function mappedCondition(idType: IdType): string {
  return idType === 'user_id' ? MAPPED_USER : MAPPED_ROOM;
}

/**
 * The WHERE clause of a mapping filter, parameterised from `firstParam` on. Identifiers never come from input:
 * every condition is fixed text, and every value a parameter.
 */
export function buildMappingFilter(idType: IdType, query: MappingQuery, firstParam = 1): FilterSql {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${firstParam + values.length - 1}`;
  };
  conditions.push(`i.id_type = ${param(idType)}`);
  if (query.keyword) {
    const pattern = param(`%${query.keyword.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
    conditions.push(`(i.original_id ILIKE ${pattern} OR i.business_name ILIKE ${pattern} OR i.wecom_nickname ILIKE ${pattern}${
      idType === 'user_id' ? ` OR EXISTS (SELECT 1 FROM crm.guardianships g JOIN crm.students s ON s.id = g.student_id
        WHERE g.identity_id = i.id AND (s.name ILIKE ${pattern} OR s.english_name ILIKE ${pattern}))` : ''})`);
  }
  if (query.state === 'mapped') conditions.push(mappedCondition(idType));
  if (query.state === 'unmapped') conditions.push(`NOT ${mappedCondition(idType)}`);
  if (query.role === 'none') conditions.push('i.user_role IS NULL');
  else if (query.role) conditions.push(`i.user_role = ${param(query.role)}`);
  if (query.idKind) conditions.push(`i.id_kind = ${param(query.idKind)}`);
  if (query.nameStatus) conditions.push(`i.name_status = ${param(query.nameStatus)}`);
  if (query.from || query.to || (query.room && idType === 'user_id')) {
    // a user is active when they sent or received; a room, when anything was said in it
    const activity: string[] = [idType === 'user_id' ? 'a.original_id = i.original_id' : 'a.room_id = i.original_id'];
    if (query.from) activity.push(`a.day >= ${param(query.from)}::date`);
    if (query.to) activity.push(`a.day <= ${param(query.to)}::date`);
    if (query.room && idType === 'user_id') {
      const room = param(query.room);
      activity.push(`a.room_id IN (SELECT r.original_id FROM crm.identities r WHERE r.id_type = 'room_id'
        AND (r.original_id = ${room} OR r.business_name = ${room} OR r.wecom_nickname = ${room}))`);
    }
    conditions.push(`EXISTS (SELECT 1 FROM crm.identity_activity a WHERE ${activity.join(' AND ')})`);
  }
  return { where: conditions.join(' AND '), values };
}
