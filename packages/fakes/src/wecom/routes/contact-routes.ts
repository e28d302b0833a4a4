import { decodeCursor, pageOf } from '../cursor.ts';
import { firstString, integerIn, requiredString, stringArray, fakeEndpoint, type FakeEndpoint } from '../fake-endpoint.ts';
import { WecomFakeFailure } from '../wecom-errmsg.ts';
import type { FakeFollower, WecomDirectory } from '../wecom-fake-state.ts';

/** `follow_user` is paged only past 500 followers (https://developer.work.weixin.qq.com/document/path/92114). */
const FOLLOWERS_PER_PAGE = 500;
const BATCH_MAX_USERS = 100;
const BATCH_DEFAULT_LIMIT = 50;
const BATCH_MAX_LIMIT = 100;

function followedBy(directory: WecomDirectory, userId: string): string[] {
  const ids: string[] = [];
  for (const [externalId, contact] of directory.externalContacts) {
    if (contact.follow_user.some((f) => f.userid === userId)) ids.push(externalId);
  }
  return ids;
}

export const followUserList = fakeEndpoint('GET externalcontact/get_follow_user_list', 'contact', null, ({ directory }) => {
  const following = new Set<string>();
  for (const contact of directory.externalContacts.values()) for (const f of contact.follow_user) following.add(f.userid);
  return { follow_user: [...directory.users.keys()].filter((id) => following.has(id)) };
});

export const externalContactList = fakeEndpoint('GET externalcontact/list', 'contact', 'userid', ({ query, directory }) => {
  const userId = requiredString(query, 'userid', 41009);
  if (!directory.users.has(userId)) throw new WecomFakeFailure(60111);
  return { external_userid: followedBy(directory, userId) };
});

export const externalContactGet = fakeEndpoint('GET externalcontact/get', 'contact', 'external_userid', ({ query, directory }) => {
  const externalId = requiredString(query, 'external_userid');
  if (!/^w[mo]/.test(externalId) || directory.foreignExternalIds.has(externalId)) throw new WecomFakeFailure(40096);
  const contact = directory.externalContacts.get(externalId);
  if (!contact) throw new WecomFakeFailure(84061);
  const { page, nextCursor } = pageOf(contact.follow_user, decodeCursor(query.cursor, externalId), FOLLOWERS_PER_PAGE, externalId);
  return {
    external_contact: { ...contact.external_contact },
    follow_user: page.map((f) => ({ ...f, tags: f.tags.map((t) => ({ ...t })) })),
    next_cursor: nextCursor,
  };
});

/** The batch form lists corp tag ids only; personal tags are not returned (https://developer.work.weixin.qq.com/document/path/92994). */
function followInfo(f: FakeFollower): Record<string, unknown> {
  const { tags, ...rest } = f;
  return { ...rest, tag_id: tags.filter((t) => t.type === 1).map((t) => t.tag_id) };
}

/**
 * The (customer, member) pairs of a batch, member by member in the order asked, each member's customers in directory
 * order — in one pass over the directory: asking `followedBy` per member costs members × customers on every page,
 * which at 50 members × 2,000 customers made the fake, not the client, the slow side of a benchmark.
 */
function pairsOf(directory: WecomDirectory, userIds: readonly string[]): Array<{ externalId: string; userId: string }> {
  const byMember = new Map<string, Array<{ externalId: string; userId: string }>>(userIds.map((id) => [id, []]));
  for (const [externalId, contact] of directory.externalContacts) {
    for (const f of contact.follow_user) byMember.get(f.userid)?.push({ externalId, userId: f.userid });
  }
  return userIds.flatMap((userId) => byMember.get(userId)!);
}

/** A chain's pairs as its first page saw them, kept while the chain goes on (briefly: an abandoned chain is forgotten). */
const chains = new WeakMap<WecomDirectory, Map<string, { pairs: Array<{ externalId: string; userId: string }>; next: number; at: number }>>();
const CHAIN_KEPT_MS = 60_000;

/**
 * The pairs a cursor chain pages through: computed on its first page, then reused by the page that continues it.
 * Computing them scans the whole directory, and at 100,000 pairs that scan on every one of 1,000 pages made the fake
 * (one process, beside the client it serves) the slow side of the benchmark. A chain thus pages through the
 * directory as it was when the chain began; a new chain (no cursor) always sees the directory as it is.
 */
function chainPairs(directory: WecomDirectory, queryKey: string, offset: number, compute: () => Array<{ externalId: string; userId: string }>) {
  let byQuery = chains.get(directory);
  if (!byQuery) chains.set(directory, (byQuery = new Map()));
  const kept = byQuery.get(queryKey);
  if (offset > 0 && kept && kept.next === offset && Date.now() - kept.at < CHAIN_KEPT_MS) return kept.pairs;
  return compute();
}

/** the ids of both request forms: `{ userid_list }`, and the single-member `{ userid }` older clients send */
const batchIds: FakeEndpoint['ids'] = ({ body }) =>
  [...firstString(body.userid), ...(Array.isArray(body.userid_list) ? firstString(...body.userid_list) : [])];

export const batchGetByUser = fakeEndpoint('POST externalcontact/batch/get_by_user', 'contact', batchIds, ({ body, directory }) => {
  // older clients still send the single-member form { userid }; both are accepted
  const userIds = body.userid_list !== undefined ? stringArray(body.userid_list, 'userid_list') : firstString(body.userid);
  if (userIds.length === 0 || userIds.length > BATCH_MAX_USERS) {
    throw new WecomFakeFailure(40058, `invalid parameter: userid_list must hold 1–${BATCH_MAX_USERS} ids`);
  }
  const unknown = userIds.find((id) => !directory.users.has(id));
  if (unknown !== undefined) throw new WecomFakeFailure(60111, `userid not found: ${unknown}`);
  // larger limits are clamped, not refused
  const limit = Math.min(BATCH_MAX_LIMIT, integerIn(body, 'limit', 1, Number.MAX_SAFE_INTEGER, BATCH_DEFAULT_LIMIT));
  const queryKey = `batch:${userIds.join(',')}`;
  const offset = decodeCursor(body.cursor, queryKey);
  const pairs = chainPairs(directory, queryKey, offset, () => pairsOf(directory, userIds));
  const { page, nextCursor } = pageOf(pairs, offset, limit, queryKey);
  if (nextCursor === '') chains.get(directory)?.delete(queryKey);
  else chains.get(directory)!.set(queryKey, { pairs, next: offset + page.length, at: Date.now() });
  return {
    external_contact_list: page.map(({ externalId, userId }) => {
      const contact = directory.externalContacts.get(externalId);
      const follower = contact?.follow_user.find((f) => f.userid === userId);
      return { external_contact: { ...contact?.external_contact }, follow_info: follower ? followInfo(follower) : {} };
    }),
    next_cursor: nextCursor,
  };
});
