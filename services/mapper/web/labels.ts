import type { ClassOption, GuardianRelation, IdKind, MappingFilter, MappingState, NameStatus, PersonRole, StudentOption } from './api-types.ts';

export const PERSON_ROLE_LABELS: Record<PersonRole, string> = {
  parent: '家长',
  teacher: '老师',
  head_teacher: '班主任',
  advisor: '顾问',
};
export const PERSON_ROLES = Object.keys(PERSON_ROLE_LABELS) as PersonRole[];

export const RELATION_LABELS: Record<GuardianRelation, string> = {
  mother: '妈妈',
  father: '爸爸',
  guardian: '监护人',
  other: '其他',
};
export const RELATIONS = Object.keys(RELATION_LABELS) as GuardianRelation[];

export const ID_KIND_LABELS: Record<IdKind, string> = {
  staff: '员工',
  external_wechat: '微信用户',
  external_wecom: '企业微信用户',
  bot: '机器人',
  customer_group: '客户群',
  internal_group: '内部群',
};
export const USER_ID_KINDS: IdKind[] = ['staff', 'external_wechat', 'external_wecom', 'bot'];
export const ROOM_ID_KINDS: IdKind[] = ['customer_group', 'internal_group'];

export const NAME_STATUS_LABELS: Record<NameStatus, string> = {
  pending: '未获取',
  resolved: '已获取',
  unresolvable: '无法获取',
};

export const STATE_LABELS: Record<MappingState, string> = { mapped: '已映射', unmapped: '未映射' };

/** The one definition of "mapped" (the server's), said once on the page so every count and badge means the same. */
export const MAPPED_DEFINITION = '“已映射”的定义：用户 = 有业务称呼 + 角色，家长还需关联至少一名学员；群 = 有业务群名或已关联班级。';

/** "启蒙段 L2 - 小熊3班": how staff name a class (段 阶 - 班级). */
export function classLabel(item: Pick<ClassOption, 'sectionName' | 'levelName' | 'name'>): string {
  const path = [item.sectionName, item.levelName].filter(Boolean).join(' ');
  return path ? `${path} - ${item.name}` : item.name;
}

/** "王小明 Tom ｜ 小熊3班、周末班 ｜ 在读": enough to tell two children of the same name apart. */
export function studentOptionLabel(student: StudentOption): string {
  const name = student.englishName ? `${student.name} ${student.englishName}` : student.name;
  const classes = student.classes.map((item) => item.name).join('、') || '未分班';
  return `${name} ｜ ${classes} ｜ ${student.status}`;
}

/**
 * The relation a business name implies ("王小明妈妈" → mother), as a default for a newly added child only;
 * staff can change it, and "其他" is the fallback the original page used for everyone.
 */
export function relationFromName(businessName: string): GuardianRelation {
  if (/妈|母/.test(businessName)) return 'mother';
  if (/爸|父/.test(businessName)) return 'father';
  if (/奶奶|爷爷|外婆|外公|姥姥|姥爷|姑|姨|舅|叔|监护/.test(businessName)) return 'guardian';
  return 'other';
}

/** Today's date in Beijing as YYYY-MM-DD, whatever zone the browser is in. */
export function beijingToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(now);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The filter in words, so a job started from it says which rows it covers. */
export function describeFilter(filter: MappingFilter): string {
  const parts: string[] = [];
  if (filter.keyword) parts.push(`关键词“${filter.keyword}”`);
  if (filter.state === 'mapped' || filter.state === 'unmapped') parts.push(STATE_LABELS[filter.state]);
  if (filter.role === 'none') parts.push('未设置角色');
  else if (filter.role) parts.push(PERSON_ROLE_LABELS[filter.role] ?? filter.role);
  if (filter.idKind) parts.push(ID_KIND_LABELS[filter.idKind] ?? filter.idKind);
  if (filter.nameStatus) parts.push(`昵称${NAME_STATUS_LABELS[filter.nameStatus] ?? filter.nameStatus}`);
  if (filter.room) parts.push(`群“${filter.room}”`);
  if (filter.from || filter.to) parts.push(`${filter.from ?? '最早'} 至 ${filter.to ?? '今天'}`);
  return parts.length > 0 ? parts.join('、') : '全部';
}
