import { randomBytes } from 'node:crypto';
import type { FakeExternalContact, FakeFollower, FakeTag } from '../wecom-fake-state.ts';
import { newWecomId, requireText, seconds, StaffActionError, type StaffActionResult, type StaffContext } from './staff-context.ts';

/**
 * What members and customers do to their relation in the WeCom client, and the `change_external_contact` event each
 * raises (https://developer.work.weixin.qq.com/document/path/92130). The API never raises these events.
 */

export interface AddCustomerInput {
  /** an existing customer (a second follower) or a new id; default: a new `wm…` customer */
  externalUserId?: string;
  /** a new customer's WeChat nickname; default "新家长" plus a number */
  name?: string;
  /** the 「联系我」 state of the QR code used */
  state?: string;
  remark?: string;
  /** 免验证 (added without the customer's confirmation): `add_half_external_contact` */
  half?: boolean;
}

let newCustomers = 0;

export async function addCustomer(context: StaffContext, userId: string, input: AddCustomerInput): Promise<StaffActionResult<{ externalUserId: string }>> {
  const { directory } = context;
  if (!directory.users.has(userId)) throw new StaffActionError(404, `no member ${userId}`);
  const externalUserId = input.externalUserId ?? newWecomId('wm');
  let contact = directory.externalContacts.get(externalUserId);
  if (contact?.follow_user.some((f) => f.userid === userId)) throw new StaffActionError(409, `${userId} already follows ${externalUserId}`);
  if (!contact) {
    if (!/^w[mo]/.test(externalUserId)) throw new StaffActionError(400, 'external user ids start with wm or wo');
    newCustomers += 1;
    contact = {
      external_contact: {
        external_userid: externalUserId, name: input.name ?? `新家长${newCustomers}`, type: 1, gender: 0,
        avatar: `https://avatar.invalid/customer/${encodeURIComponent(externalUserId)}`,
      },
      follow_user: [],
    } satisfies FakeExternalContact;
    directory.externalContacts.set(externalUserId, contact);
  }
  const state = input.state ?? '';
  const follower: FakeFollower = {
    userid: userId, remark: input.remark ?? '', description: '', createtime: seconds(context.now()), tags: [],
    remark_corp_name: '', remark_mobiles: [], oper_userid: externalUserId, add_way: 1, state,
  };
  contact.follow_user.push(follower);
  const callback = await context.emit({
    event: 'change_external_contact',
    changeType: input.half ? 'add_half_external_contact' : 'add_external_contact',
    fields: { UserID: userId, ExternalUserID: externalUserId, State: state, WelcomeCode: randomBytes(16).toString('base64url') },
  });
  return { result: { externalUserId }, callback };
}

export interface EditCustomerInput {
  remark?: string;
  description?: string;
  /** the follower's corp tags from now on (personal tags stay) */
  tagIds?: string[];
}

export async function editCustomer(context: StaffContext, externalUserId: string, userId: string, input: EditCustomerInput): Promise<StaffActionResult<{ tagIds: string[] }>> {
  const follower = followerOf(context, externalUserId, userId);
  const tags = input.tagIds === undefined ? undefined : input.tagIds.map((id) => corpTagOf(context, id));
  if (input.remark !== undefined) follower.remark = input.remark;
  if (input.description !== undefined) follower.description = input.description;
  if (tags) follower.tags = [...tags, ...follower.tags.filter((t) => t.type !== 1)];
  const callback = await context.emit({
    event: 'change_external_contact', changeType: 'edit_external_contact', fields: { UserID: userId, ExternalUserID: externalUserId },
  });
  return { result: { tagIds: follower.tags.filter((t) => t.type === 1).map((t) => t.tag_id) }, callback };
}

/** The member deletes the customer; without followers left the customer is gone (84061). */
export async function memberDeletesCustomer(context: StaffContext, externalUserId: string, userId: string, source?: string): Promise<StaffActionResult<{ followersLeft: number }>> {
  const contact = dropFollower(context, externalUserId, userId);
  const callback = await context.emit({
    event: 'change_external_contact', changeType: 'del_external_contact',
    fields: { UserID: userId, ExternalUserID: externalUserId, ...(source ? { Source: source } : {}) },
  });
  return { result: { followersLeft: contact.follow_user.length }, callback };
}

/**
 * The customer deletes the member (the churn signal). The fake drops the relation on both sides, so the pair leaves
 * `batch/get_by_user`; whether WeCom keeps a one-sided entry in the member's list is not verified.
 */
export async function customerDeletesMember(context: StaffContext, externalUserId: string, userId: string): Promise<StaffActionResult<{ followersLeft: number }>> {
  const contact = dropFollower(context, externalUserId, userId);
  const callback = await context.emit({
    event: 'change_external_contact', changeType: 'del_follow_user', fields: { UserID: userId, ExternalUserID: externalUserId },
  });
  return { result: { followersLeft: contact.follow_user.length }, callback };
}

function followerOf(context: StaffContext, externalUserId: string, userId: string): FakeFollower {
  const follower = context.directory.externalContacts.get(externalUserId)?.follow_user.find((f) => f.userid === userId);
  if (!follower) throw new StaffActionError(404, `${userId} does not follow ${externalUserId}`);
  return follower;
}

function dropFollower(context: StaffContext, externalUserId: string, userId: string): FakeExternalContact {
  requireText(userId, 'userId');
  const contact = context.directory.externalContacts.get(externalUserId);
  followerOf(context, externalUserId, userId);
  const kept = contact as FakeExternalContact;
  kept.follow_user = kept.follow_user.filter((f) => f.userid !== userId);
  if (kept.follow_user.length === 0) context.directory.externalContacts.delete(externalUserId);
  return kept;
}

function corpTagOf(context: StaffContext, tagId: string): FakeTag {
  for (const group of context.directory.corpTagGroups.values()) {
    const tag = group.tag.find((t) => t.id === tagId);
    if (tag && !tag.deleted && !group.deleted) return { group_name: group.group_name, tag_name: tag.name, tag_id: tag.id, type: 1 };
  }
  throw new StaffActionError(400, `no live corp tag ${tagId}`);
}
