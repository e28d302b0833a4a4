/**
 * What the fake knows, kept in WeCom's own wire shapes (snake_case) so handlers only select and page.
 * Tests may change it directly (remove a contact, rename a group) between calls.
 */

/** The two secrets of a school's setup: the customer-contact app and the chat-archive (会话存档) secret. */
export type FakeAppName = 'contact' | 'archive';

export interface FakeApp {
  name: FakeAppName;
  secret: string;
  /** endpoints this secret may call; anything else answers 48002 */
  allowed: 'all' | Set<string>;
}

export interface FakeUser {
  userid: string;
  name: string;
  department: number[];
  main_department: number;
  position: string;
  mobile: string;
  gender: '0' | '1' | '2';
  email: string;
  avatar: string;
  alias: string;
  status: number;
}

export interface FakeDepartment {
  id: number;
  name: string;
  name_en: string;
  parentid: number;
  order: number;
  department_leader: string[];
}

export interface FakeTag {
  group_name: string;
  tag_name: string;
  tag_id: string;
  /** 1 corp tag, 2 personal tag (personal tags never appear in batch `tag_id`) */
  type: 1 | 2;
}

/** A corp tag of the tag library (`get_corp_tag_list`, https://developer.work.weixin.qq.com/document/path/92117). */
export interface FakeCorpTag {
  id: string;
  name: string;
  create_time: number;
  /** larger first, as WeCom orders them */
  order: number;
  /** deleted tags are kept: `get_corp_tag_list` still answers them, flagged, when asked by id */
  deleted: boolean;
}

export interface FakeCorpTagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted: boolean;
  tag: FakeCorpTag[];
}

export interface FakeFollower {
  userid: string;
  remark: string;
  description: string;
  createtime: number;
  tags: FakeTag[];
  remark_corp_name: string;
  remark_mobiles: string[];
  oper_userid: string;
  add_way: number;
  state: string;
}

export interface FakeExternalContact {
  external_contact: {
    external_userid: string;
    name: string;
    type: 1 | 2;
    gender: 0 | 1 | 2;
    avatar: string;
    unionid?: string;
    position?: string;
    corp_name?: string;
    corp_full_name?: string;
  };
  follow_user: FakeFollower[];
}

export interface FakeGroupMember {
  userid: string;
  type: 1 | 2;
  join_time: number;
  join_scene: 1 | 2 | 3;
  invitor?: { userid: string };
  group_nickname: string;
}

export interface FakeCustomerGroup {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice: string;
  member_list: FakeGroupMember[];
  admin_list: Array<{ userid: string }>;
  /** 0 normal, 1 owner left, 2 inheritance in progress, 3 inherited */
  status: 0 | 1 | 2 | 3;
  /** a dismissed group is not listed and answers 49008 */
  dismissed: boolean;
}

export interface FakeInternalGroup {
  roomid: string;
  roomname: string;
  creator: string;
  room_create_time: number;
  notice: string;
  members: Array<{ memberid: string; jointime: number }>;
}

/** An id of the demo archive that the fake answers with an error on purpose, and why. */
export interface UnresolvableId {
  id: string;
  errcode: number;
  reason: string;
}

export interface WecomDirectory {
  corpName: string;
  departments: FakeDepartment[];
  users: Map<string, FakeUser>;
  externalContacts: Map<string, FakeExternalContact>;
  /** ids shaped like external ids that belong to another subject: 40096 */
  foreignExternalIds: Set<string>;
  customerGroups: Map<string, FakeCustomerGroup>;
  internalGroups: Map<string, FakeInternalGroup>;
  /** the corp tag library; every corp tag (type 1) on a follower is one of these */
  corpTagGroups: Map<string, FakeCorpTagGroup>;
  /** members with chat archiving enabled */
  archivePermitUserIds: string[];
  unresolvable: UnresolvableId[];
}

export interface WecomFakeState {
  corpId: string;
  apps: Record<FakeAppName, FakeApp>;
  /** false: every API call except gettoken answers 60020 */
  ipTrusted: boolean;
  tokenTtlSeconds: number;
  /** added to every API answer, so tests can have calls in flight at once */
  latencyMs: number;
  /** calls per endpoint per window before 45009; the interception lasts one window */
  rateLimit: { calls: number; windowMs: number };
  /** calls of one endpoint in flight at once before 45033 */
  maxConcurrentPerEndpoint: number;
  directory: WecomDirectory;
}
