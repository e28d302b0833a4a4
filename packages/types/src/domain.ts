/** Roles of a login (who may do what in the suite). */
export const USER_ROLES = ['admin', 'staff', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles of a person in the school, as mapped from a WeCom id. */
export const PERSON_ROLES = ['parent', 'teacher', 'head_teacher', 'advisor'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const GUARDIAN_RELATIONS = ['mother', 'father', 'guardian', 'other'] as const;
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];

/** What a WeCom id is, derived once from its shape. */
export const ID_KINDS = ['staff', 'external_wechat', 'external_wecom', 'bot', 'customer_group', 'internal_group'] as const;
export type IdKind = (typeof ID_KINDS)[number];

export const STUDENT_STATUSES = ['在读', '休学', '已退费'] as const;

/**
 * The services of the suite and their default ports (the shared page shell links them). `planned` ones have no code
 * yet: nothing listens on their port, so nothing may link or deploy them until their code lands and flips this.
 */
export const SERVICES = [
  { key: 'etl', status: 'ready', title: '聊天归档导入', port: 5002 },
  { key: 'mapper', status: 'ready', title: 'ID 映射', port: 5004 },
  { key: 'messages', status: 'ready', title: '消息查询', port: 5006 },
  { key: 'roster', status: 'ready', title: '花名册', port: 5010 },
  { key: 'dashboard', status: 'ready', title: '校区看板', port: 5011 },
  { key: 'feishu-sync', status: 'ready', title: '飞书同步', port: 5020 },
  { key: 'contacts-sync', status: 'ready', title: '客户同步', port: 5030 },
  { key: 'dispatcher', status: 'ready', title: '消息分发', port: 5040 },
] as const;
export type ServiceKey = (typeof SERVICES)[number]['key'];
