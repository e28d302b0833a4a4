import type { RoomMapping, UserMapping } from '../../contract.ts';

const ROLE_LABELS: Record<string, string> = { parent: '家长', teacher: '老师', head_teacher: '班主任', advisor: '顾问' };
const RELATION_LABELS: Record<string, string> = { mother: '妈妈', father: '爸爸', guardian: '监护人', other: '其他' };

export const MAPPING_CSV_COLUMNS: Array<{ header: string; value: (row: UserMapping | RoomMapping) => unknown }> = [
  { header: '类型', value: (row) => (row.idType === 'user_id' ? '用户' : '群') },
  { header: '企业微信 ID', value: (row) => row.originalId },
  { header: 'ID 种类', value: (row) => row.idKind },
  { header: '微信昵称', value: (row) => row.wecomNickname },
  { header: '业务称呼', value: (row) => row.businessName },
  { header: '角色', value: (row) => (row.idType === 'user_id' && row.userRole ? ROLE_LABELS[row.userRole] : '') },
  { header: '学员', value: (row) => (row.idType === 'user_id'
    ? row.students.map((student) => `${student.name}(${RELATION_LABELS[student.relation]}${student.isPrimary ? '·主' : ''})`).join('; ') : '') },
  { header: '班级', value: (row) => (row.idType === 'room_id' ? row.linkedClass?.name ?? '' : '') },
  { header: '状态', value: (row) => (row.state === 'mapped' ? '已映射' : '未映射') },
  { header: '昵称状态', value: (row) => row.nameStatus },
  { header: '备注', value: (row) => row.notes },
  { header: '最近出现', value: (row) => row.lastSeenAt },
];
