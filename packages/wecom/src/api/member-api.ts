import type { Page, WecomUser } from '../wecom-types.ts';
import { userGetWire, userListIdWire } from '../wire-schemas.ts';
import { definedOnly, parseAnswer, type CallWecom } from './parse-answer.ts';

export async function getUser(call: CallWecom, userId: string): Promise<WecomUser> {
  const endpoint = 'user/get';
  const wire = parseAnswer(userGetWire, await call('main', { endpoint, method: 'GET', query: { userid: userId } }), endpoint);
  return definedOnly({
    userId: wire.userid,
    name: wire.name,
    department: wire.department,
    mainDepartment: wire.main_department,
    position: wire.position,
    gender: wire.gender,
    status: wire.status,
    avatar: wire.avatar,
    alias: wire.alias,
    openUserId: wire.open_userid,
  });
}

/** One page of `user/list_id` (one row per member × department), the enumeration API recommended since 2022. */
export async function listUserIds(
  call: CallWecom,
  page: { cursor?: string; limit?: number } = {},
): Promise<Page<{ userId: string; department: number }>> {
  const endpoint = 'user/list_id';
  const limit = Math.min(10_000, Math.max(1, page.limit ?? 1_000));
  const answer = await call('main', { endpoint, method: 'POST', body: { cursor: page.cursor ?? '', limit } });
  const wire = parseAnswer(userListIdWire, answer, endpoint);
  return { items: wire.dept_user.map((row) => ({ userId: row.userid, department: row.department })), nextCursor: wire.next_cursor };
}
