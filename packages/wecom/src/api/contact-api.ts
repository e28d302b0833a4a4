import type { z } from 'zod';
import type { ExternalContact, ExternalContactDetail, ExternalContactFollow, Follower, Page } from '../wecom-types.ts';
import {
  batchGetByUserWire, externalContactGetWire, externalContactListWire, externalContactWire, followInfoWire, followUserListWire,
  followUserWire,
} from '../wire-schemas.ts';
import { definedOnly, parseAnswer, type CallWecom } from './parse-answer.ts';

/** The API pages `follow_user` only past 500 followers; this bounds the loop should a cursor never end. */
const MAX_FOLLOWER_PAGES = 50;
/** `batch/get_by_user` takes at most 100 member ids and at most 100 results per page. */
export const BATCH_MAX_USER_IDS = 100;
export const BATCH_MAX_LIMIT = 100;

export async function getExternalContact(call: CallWecom, externalUserId: string): Promise<ExternalContactDetail> {
  const endpoint = 'externalcontact/get';
  const followers: Follower[] = [];
  let contact: ExternalContact | undefined;
  let cursor = '';
  for (let page = 0; page < MAX_FOLLOWER_PAGES; page++) {
    const answer = await call('main', { endpoint, method: 'GET', query: { external_userid: externalUserId, cursor: cursor || undefined } });
    const body = parseAnswer(externalContactGetWire, answer, endpoint);
    contact ??= toExternalContact(body.external_contact);
    followers.push(...body.follow_user.map(toFollower));
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  return { ...(contact as ExternalContact), followers };
}

/** Members with customer contact enabled. */
export async function listFollowUsers(call: CallWecom): Promise<string[]> {
  const endpoint = 'externalcontact/get_follow_user_list';
  const answer = await call('main', { endpoint, method: 'GET' });
  return parseAnswer(followUserListWire, answer, endpoint).follow_user;
}

/** External user ids of the customers one member has added (not paginated by the API). */
export async function listExternalContactIds(call: CallWecom, userId: string): Promise<string[]> {
  const endpoint = 'externalcontact/list';
  const answer = await call('main', { endpoint, method: 'GET', query: { userid: userId } });
  return parseAnswer(externalContactListWire, answer, endpoint).external_userid;
}

/** One page of (customer, follower) pairs for up to 100 members; pass `nextCursor` back for the next page. */
export async function batchGetExternalContacts(
  call: CallWecom,
  userIds: readonly string[],
  page: { cursor?: string; limit?: number } = {},
): Promise<Page<ExternalContactFollow>> {
  const endpoint = 'externalcontact/batch/get_by_user';
  if (userIds.length === 0 || userIds.length > BATCH_MAX_USER_IDS) {
    throw new RangeError(`batch/get_by_user takes 1–${BATCH_MAX_USER_IDS} member ids, got ${userIds.length}`);
  }
  const limit = Math.min(BATCH_MAX_LIMIT, Math.max(1, page.limit ?? BATCH_MAX_LIMIT));
  const answer = await call('main', {
    endpoint, method: 'POST', body: { userid_list: [...userIds], cursor: page.cursor ?? '', limit },
  });
  const body = parseAnswer(batchGetByUserWire, answer, endpoint);
  return {
    items: body.external_contact_list.map((entry) => ({ contact: toExternalContact(entry.external_contact), follower: toFollower(entry.follow_info) })),
    nextCursor: body.next_cursor,
  };
}

function toExternalContact(wire: z.output<typeof externalContactWire>): ExternalContact {
  return definedOnly({
    externalUserId: wire.external_userid,
    name: wire.name,
    type: wire.type,
    gender: wire.gender,
    avatar: wire.avatar,
    unionId: wire.unionid,
    position: wire.position,
    corpName: wire.corp_name,
    corpFullName: wire.corp_full_name,
  });
}

function toFollower(wire: z.output<typeof followUserWire> | z.output<typeof followInfoWire>): Follower {
  return definedOnly({
    userId: wire.userid,
    remark: wire.remark,
    description: wire.description,
    createTime: wire.createtime,
    remarkCorpName: wire.remark_corp_name,
    remarkMobiles: wire.remark_mobiles,
    operUserId: wire.oper_userid,
    addWay: wire.add_way,
    state: wire.state,
    tags: 'tags' in wire ? wire.tags.map((t) => definedOnly({ groupName: t.group_name, tagName: t.tag_name, tagId: t.tag_id, type: t.type })) : undefined,
    tagIds: 'tag_id' in wire ? wire.tag_id : undefined,
  });
}
