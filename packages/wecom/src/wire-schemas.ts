import { z } from 'zod';

/**
 * The documented answer shapes (customer contact https://developer.work.weixin.qq.com/document/path/92994, members https://developer.work.weixin.qq.com/document/path/96067,
 * group chats https://developer.work.weixin.qq.com/document/path/92122), lenient where WeCom is: fields withheld from some apps are
 * optional, arrays default to empty, numbers that some SDKs model as strings are accepted as either.
 */

const intLike = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);

const followTag = z.object({
  group_name: z.string().default(''),
  tag_name: z.string().default(''),
  tag_id: z.string().optional(),
  type: intLike.optional(),
});

export const externalContactWire = z.object({
  external_userid: z.string(),
  name: z.string().default(''),
  type: intLike.default(1),
  gender: intLike.default(0),
  avatar: z.string().optional(),
  unionid: z.string().optional(),
  position: z.string().optional(),
  corp_name: z.string().optional(),
  corp_full_name: z.string().optional(),
});

const followCommon = {
  userid: z.string(),
  remark: z.string().default(''),
  description: z.string().default(''),
  createtime: intLike.default(0),
  remark_corp_name: z.string().optional(),
  remark_mobiles: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  oper_userid: z.string().optional(),
  add_way: intLike.optional(),
  state: z.string().optional(),
};

export const followUserWire = z.object({ ...followCommon, tags: z.array(followTag).default([]) });
export const followInfoWire = z.object({ ...followCommon, tag_id: z.array(z.string()).default([]) });

export const externalContactGetWire = z.object({
  external_contact: externalContactWire,
  follow_user: z.array(followUserWire).default([]),
  next_cursor: z.string().default(''),
});

export const batchGetByUserWire = z.object({
  external_contact_list: z.array(z.object({ external_contact: externalContactWire, follow_info: followInfoWire })).default([]),
  next_cursor: z.string().default(''),
});

export const followUserListWire = z.object({ follow_user: z.array(z.string()).default([]) });
export const externalContactListWire = z.object({ external_userid: z.array(z.string()).default([]) });

export const userGetWire = z.object({
  userid: z.string(),
  name: z.string().default(''),
  department: z.array(z.number()).default([]),
  main_department: z.number().optional(),
  position: z.string().optional(),
  gender: z.union([z.string(), z.number().transform(String)]).optional(),
  status: z.number().optional(),
  avatar: z.string().optional(),
  alias: z.string().optional(),
  open_userid: z.string().optional(),
});

export const userListIdWire = z.object({
  dept_user: z.array(z.object({ userid: z.string(), department: z.number() })).default([]),
  next_cursor: z.string().default(''),
});

export const customerGroupGetWire = z.object({
  group_chat: z.object({
    chat_id: z.string(),
    name: z.string().default(''),
    owner: z.string().default(''),
    create_time: intLike.default(0),
    notice: z.string().default(''),
    member_list: z.array(z.object({
      userid: z.string(),
      type: intLike,
      unionid: z.string().optional(),
      join_time: intLike.default(0),
      join_scene: intLike.optional(),
      invitor: z.object({ userid: z.string() }).optional(),
      group_nickname: z.string().default(''),
      name: z.string().optional(),
    })).default([]),
    admin_list: z.array(z.object({ userid: z.string() })).default([]),
  }),
});

export const customerGroupListWire = z.object({
  group_chat_list: z.array(z.object({ chat_id: z.string(), status: intLike.default(0) })).default([]),
  next_cursor: z.string().default(''),
});

export const internalGroupGetWire = z.object({
  roomname: z.string().default(''),
  creator: z.string().default(''),
  room_create_time: intLike.default(0),
  notice: z.string().default(''),
  members: z.array(z.object({ memberid: z.string(), jointime: intLike.default(0) })).default([]),
});

export const permitUserListWire = z.object({ ids: z.array(z.string()).default([]) });

/** `get_corp_tag_list` (https://developer.work.weixin.qq.com/document/path/92117); `deleted` only when asked by id. */
const corpTagWire = z.object({
  id: z.string(),
  name: z.string().default(''),
  create_time: intLike.default(0),
  order: intLike.default(0),
  deleted: z.boolean().optional(),
});

export const corpTagListWire = z.object({
  tag_group: z.array(z.object({
    group_id: z.string(),
    group_name: z.string().default(''),
    create_time: intLike.default(0),
    order: intLike.default(0),
    deleted: z.boolean().optional(),
    tag: z.array(corpTagWire).default([]),
  })).default([]),
});
