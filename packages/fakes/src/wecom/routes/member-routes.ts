import { pageOf, decodeCursor } from '../cursor.ts';
import { integerIn, optionalString, requiredString, fakeEndpoint } from '../fake-endpoint.ts';
import { WecomFakeFailure } from '../wecom-errmsg.ts';

/**
 * userids are 1–64 letters, digits, `-`, `_`, `.`, `@` (创建成员, https://developer.work.weixin.qq.com/document/path/90195); anything else is "invalid userid"
 * (40003 in https://developer.work.weixin.qq.com/document/path/90313).
 */
const USERID_SHAPE = /^[A-Za-z0-9_.@-]{1,64}$/;

export const userGet = fakeEndpoint('GET user/get', 'contact', 'userid', ({ query, directory }) => {
  const userId = requiredString(query, 'userid', 41009);
  if (!USERID_SHAPE.test(userId)) throw new WecomFakeFailure(40003);
  const user = directory.users.get(userId);
  if (!user) throw new WecomFakeFailure(60111);
  return { ...user };
});

export const userListId = fakeEndpoint('POST user/list_id', 'contact', null, ({ body, directory }) => {
  const limit = integerIn(body, 'limit', 1, 10_000, 50);
  const rows = [...directory.users.values()].flatMap((u) => u.department.map((department) => ({ userid: u.userid, department })));
  const { page, nextCursor } = pageOf(rows, decodeCursor(body.cursor, 'list_id'), limit, 'list_id');
  return { next_cursor: nextCursor, dept_user: page };
});

export const departmentList = fakeEndpoint('GET department/list', 'contact', null, ({ query, directory }) => {
  const idText = optionalString(query, 'id');
  if (idText === undefined) return { department: directory.departments };
  const root = Number(idText);
  if (!directory.departments.some((d) => d.id === root)) throw new WecomFakeFailure(60123, 'invalid party id');
  // the department and everything below it
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const d of directory.departments) {
      if (!inTree.has(d.id) && inTree.has(d.parentid)) {
        inTree.add(d.id);
        grew = true;
      }
    }
  }
  return { department: directory.departments.filter((d) => inTree.has(d.id)) };
});
