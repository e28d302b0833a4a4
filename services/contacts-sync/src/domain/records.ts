import { createHash } from 'node:crypto';
import { maskPhone } from '@doitcrm/kit';
import type { CustomerGroup, ExternalContact, Follower, WecomUser } from '@doitcrm/wecom';

/**
 * The rows a pass writes, built from WeCom's answers, each with the hash of what it holds: a row is rewritten only
 * when its hash differs, so an unchanged corp costs reads and no writes.
 */
const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const seconds = (value: number | undefined): string | null => (value ? new Date(value * 1000).toISOString() : null);

export interface StaffRecord {
  userid: string;
  name: string;
  department_ids: number[];
  wecom_status: number | null;
  content_hash: string;
}

export function staffRecord(userId: string, departments: readonly number[], user: Pick<WecomUser, 'name' | 'status'> | null): StaffRecord {
  const record = { userid: userId, name: user?.name ?? '', department_ids: [...departments].sort((a, b) => a - b), wecom_status: user?.status ?? null };
  return { ...record, content_hash: hashOf([record.name, record.department_ids, record.wecom_status]) };
}

export interface ContactRecord {
  external_userid: string;
  name: string;
  avatar: string | null;
  type: number | null;
  gender: number | null;
  corp_name: string | null;
  unionid: string | null;
  content_hash: string;
}

export function contactRecord(contact: ExternalContact): ContactRecord {
  const record = {
    external_userid: contact.externalUserId, name: contact.name, avatar: contact.avatar ?? null, type: contact.type, gender: contact.gender,
    corp_name: contact.corpName ?? null, unionid: contact.unionId ?? null,
  };
  return { ...record, content_hash: hashOf(Object.values(record)) };
}

/** A customer known only from a customer group's member list (a half contact): its id and the name the group shows. */
export function halfContactRecord(externalUserId: string, name: string): ContactRecord {
  const record = { external_userid: externalUserId, name, avatar: null, type: externalUserId.startsWith('wo') ? 2 : 1, gender: null, corp_name: null, unionid: null };
  return { ...record, content_hash: hashOf(['half', externalUserId, name]) };
}

export interface RelationRecord {
  external_userid: string;
  userid: string;
  remark: string;
  description: string;
  remark_corp_name: string;
  remark_mobiles_masked: string[];
  tag_ids: string[];
  add_way: number | null;
  createtime: string | null;
  state: string;
  oper_userid: string;
  content_hash: string;
}

/**
 * Phones are masked before they reach the record: the number itself is never stored, logged or hashed (a hash of an
 * 11-digit number is reversed by trying them all), so the hash sees the masked form only.
 */
export function relationRecord(externalUserId: string, follower: Follower): RelationRecord {
  const record = {
    external_userid: externalUserId, userid: follower.userId, remark: follower.remark, description: follower.description,
    remark_corp_name: follower.remarkCorpName ?? '',
    remark_mobiles_masked: follower.remarkMobiles.map((phone) => maskPhone(String(phone)) ?? ''),
    tag_ids: [...(follower.tagIds ?? [])].sort(),
    add_way: follower.addWay ?? null, createtime: seconds(follower.createTime), state: follower.state ?? '', oper_userid: follower.operUserId ?? '',
  };
  return { ...record, content_hash: hashOf(Object.values(record)) };
}

export interface GroupMemberRecord {
  member_id: string;
  type: number;
  join_time: string | null;
  join_scene: number | null;
  invitor: string | null;
  group_nickname: string;
  name: string;
}

export interface GroupRecord {
  chat_id: string;
  name: string;
  owner: string;
  create_time: string | null;
  notice: string;
  wecom_status: number;
  member_count: number;
  members: GroupMemberRecord[];
  content_hash: string;
}

export function groupRecord(group: CustomerGroup, wecomStatus: number): GroupRecord {
  const members = group.members
    .map((m) => ({
      member_id: m.userId, type: m.type, join_time: seconds(m.joinTime), join_scene: m.joinScene ?? null, invitor: m.invitorUserId ?? null,
      group_nickname: m.groupNickname, name: m.name ?? '',
    }))
    .sort((a, b) => (a.member_id < b.member_id ? -1 : a.member_id > b.member_id ? 1 : 0));
  const record = {
    chat_id: group.chatId, name: group.name, owner: group.owner, create_time: seconds(group.createTime), notice: group.notice,
    wecom_status: wecomStatus, member_count: group.memberCount,
  };
  return { ...record, members, content_hash: hashOf([Object.values(record), members.map((m) => Object.values(m))]) };
}
