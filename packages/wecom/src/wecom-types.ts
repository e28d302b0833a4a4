import type { WecomErrorKind } from './wecom-error.ts';

/** An external contact (客户) as `externalcontact/get` and `batch/get_by_user` describe it. */
export interface ExternalContact {
  externalUserId: string;
  /** WeChat nickname for type 1; alias or real name for type 2 */
  name: string;
  /** 1 = WeChat user (`wm…`), 2 = WeCom user of another corp (`wo…`) */
  type: number;
  /** 0 unknown, 1 male, 2 female */
  gender: number;
  avatar?: string;
  unionId?: string;
  position?: string;
  corpName?: string;
  corpFullName?: string;
}

export interface ContactTag {
  groupName: string;
  tagName: string;
  tagId?: string;
  /** 1 corp tag, 2 personal tag */
  type?: number;
}

/** A group of the corp tag library and its tags; `deleted` is only present when the query named ids. */
export interface CorpTagGroup {
  groupId: string;
  groupName: string;
  /** unix seconds */
  createTime: number;
  /** larger first */
  order: number;
  deleted?: boolean;
  tags: Array<{ id: string; name: string; createTime: number; order: number; deleted?: boolean }>;
}

/** One member following a customer (`follow_user[]` in get, `follow_info` in batch). */
export interface Follower {
  userId: string;
  remark: string;
  description: string;
  /** unix seconds when the member added the customer */
  createTime: number;
  remarkCorpName?: string;
  remarkMobiles: string[];
  operUserId?: string;
  addWay?: number;
  state?: string;
  /** get only: tag objects, personal tags included */
  tags?: ContactTag[];
  /** batch only: corp tag ids */
  tagIds?: string[];
}

export interface ExternalContactDetail extends ExternalContact {
  followers: Follower[];
}

/** One (customer, follower) pair of `batch/get_by_user`. */
export interface ExternalContactFollow {
  contact: ExternalContact;
  follower: Follower;
}

export interface WecomUser {
  userId: string;
  name: string;
  department: number[];
  mainDepartment?: number;
  position?: string;
  /** a string in the API: "0" unknown, "1" male, "2" female */
  gender?: string;
  /** 1 active, 2 disabled, 4 not activated, 5 left */
  status?: number;
  avatar?: string;
  alias?: string;
  openUserId?: string;
}

export interface CustomerGroupMember {
  userId: string;
  /** 1 member of the corp, 2 external contact */
  type: number;
  unionId?: string;
  joinTime: number;
  /** 1 direct invite, 2 invite link, 3 QR code */
  joinScene?: number;
  invitorUserId?: string;
  groupNickname: string;
  /** only when asked for with `needName` */
  name?: string;
}

export interface CustomerGroup {
  chatId: string;
  name: string;
  owner: string;
  createTime: number;
  notice: string;
  /** counted from `member_list`: the API has no member-count field */
  memberCount: number;
  members: CustomerGroupMember[];
  adminUserIds: string[];
}

/** An internal (staff-only) group as the chat-archive API (`msgaudit/groupchat/get`) describes it. */
export interface InternalGroup {
  roomId: string;
  name: string;
  creator: string;
  createTime: number;
  notice: string;
  memberCount: number;
  members: Array<{ memberId: string; joinTime: number }>;
}

export interface Page<T> {
  items: T[];
  /** "" when this was the last page */
  nextCursor: string;
}

export interface CustomerGroupSummary {
  chatId: string;
  /** 0 normal, 1 owner left, 2 inheritance in progress, 3 inherited */
  status: number;
}

export type ConnectionTestResult =
  | { ok: true; corpId: string }
  | {
    ok: false;
    /** null when WeCom never answered (network, timeout) */
    errcode: number | null;
    kind: WecomErrorKind | 'network';
    hint: string;
    /** which step failed: fetching a token for a secret, or the permissioned probe call */
    step: 'gettoken' | 'probe';
    secret: 'main' | 'archive';
  };

export type NameResolution =
  | { status: 'resolved'; name: string; /** true when WeCom gave no name and one was made up ("群聊(12人)") */ synthesized?: boolean }
  | { status: 'unresolvable'; reason: string; errcode?: number };
