import type { IdType, MappingQuery } from '../contract.ts';

/** Beijing date window → activity days (inclusive); the list and the nickname job share this one filter. */
export interface FilterSql {
  /**
   * what `i` is: the view of the id type's identities with the `is_mapped` state the database defines once for every
   * service (db/migrations/1764000018000_identity-display-name-and-mapped.sql)
   */
  from: string;
  /** conditions on `i`, joined with AND */
  where: string;
  values: unknown[];
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
  if (query.state === 'mapped') conditions.push('i.is_mapped');
  if (query.state === 'unmapped') conditions.push('NOT i.is_mapped');
  if (query.role === 'none') conditions.push('i.user_role IS NULL');
  else if (query.role) conditions.push(`i.user_role = ${param(query.role)}`);
  if (query.idKind) conditions.push(`i.id_kind = ${param(query.idKind)}`);
  if (query.nameStatus) conditions.push(`i.name_status = ${param(query.nameStatus)}`);
  const window = idType === 'user_id' && (query.from || query.to)
    ? `daterange(${query.from ? `${param(query.from)}::date` : 'NULL'}, ${query.to ? `${param(query.to)}::date` : 'NULL'}, '[]')`
    : null;
  if (idType === 'user_id' && query.room) {
    // a user of a group: sent or received there (in the window), from the kept per-(id, chat) totals
    const room = param(query.room);
    conditions.push(`EXISTS (SELECT 1 FROM crm.identity_room_totals t WHERE t.original_id = i.original_id
      AND t.room_id IN (SELECT r.original_id FROM crm.identities r WHERE r.id_type = 'room_id'
        AND (r.original_id = ${room} OR r.business_name = ${room} OR r.wecom_nickname = ${room}))${window ? ` AND t.active_days && ${window}` : ''})`);
  } else if (idType === 'user_id' && window) {
    conditions.push(`i.original_id IN (SELECT t.original_id FROM crm.identity_totals t WHERE t.active_days && ${window})`);
  } else if (idType === 'room_id' && (query.from || query.to)) {
    // a room is active when anything was said in it; a school has tens of groups, so its per-day rows are cheap
    const days = ['a.room_id = i.original_id'];
    if (query.from) days.push(`a.day >= ${param(query.from)}::date`);
    if (query.to) days.push(`a.day <= ${param(query.to)}::date`);
    conditions.push(`EXISTS (SELECT 1 FROM crm.identity_activity a WHERE ${days.join(' AND ')})`);
  }
  return { from: `${idType === 'user_id' ? 'crm.user_identities' : 'crm.room_identities'} i`, where: conditions.join(' AND '), values };
}
