import { allPages, classifyWecomFailure, type CustomerGroup, type ExternalContactFollow, type WecomClient } from '@doitcrm/wecom';

/** The WeCom calls a pass makes, counted by API (what the run reports and the page shows). */
export type SyncClient = Pick<WecomClient,
  'listUserIds' | 'getUser' | 'listFollowUsers' | 'batchGetExternalContacts' | 'listCustomerGroups' | 'getCustomerGroup' | 'listCorpTags'>;

export function countingClient(client: SyncClient, counts: Record<string, number>): SyncClient {
  const count = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    counts[name] = (counts[name] ?? 0) + 1;
    return fn(...args);
  };
  return {
    listUserIds: count('user/list_id', (page) => client.listUserIds(page)),
    getUser: count('user/get', (id) => client.getUser(id)),
    listFollowUsers: count('externalcontact/get_follow_user_list', () => client.listFollowUsers()),
    batchGetExternalContacts: count('externalcontact/batch/get_by_user', (ids, page) => client.batchGetExternalContacts(ids, page)),
    listCustomerGroups: count('externalcontact/groupchat/list', (query) => client.listCustomerGroups(query)),
    getCustomerGroup: count('externalcontact/groupchat/get', (id, options) => client.getCustomerGroup(id, options)),
    listCorpTags: count('externalcontact/get_corp_tag_list', (query) => client.listCorpTags(query)),
  };
}

/**
 * Runs `work` over `items` with at most `limit` in flight; results in input order. After the first failure no item
 * starts, the ones in flight are waited for (nothing of a failed run keeps writing behind its failure), and the
 * first failure is thrown.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/** Every member and their departments (user/list_id answers one row per member × department). */
export async function listMemberDepartments(client: SyncClient): Promise<Map<string, number[]>> {
  const members = new Map<string, number[]>();
  // 10,000 is the documented maximum page of user/list_id (https://developer.work.weixin.qq.com/document/path/96067)
  for await (const row of allPages((cursor) => client.listUserIds({ cursor, limit: 10_000 }))) {
    const departments = members.get(row.userId) ?? [];
    if (!departments.includes(row.department)) departments.push(row.department);
    members.set(row.userId, departments);
  }
  return members;
}

/**
 * Every (customer, follower) pair of up to 100 members, following the cursor with the largest page WeCom serves
 * (limit 100; https://developer.work.weixin.qq.com/document/path/92994): one call per 100 pairs, the minimum.
 */
export async function fetchFollowPairs(
  client: SyncClient, userIds: readonly string[], onPair: (pair: ExternalContactFollow) => void = () => {},
): Promise<ExternalContactFollow[]> {
  const pairs: ExternalContactFollow[] = [];
  for await (const pair of allPages((cursor) => client.batchGetExternalContacts(userIds, { cursor, limit: 100 }))) {
    pairs.push(pair);
    onPair(pair);
  }
  return pairs;
}

export interface GroupListing {
  chatId: string;
  status: number;
}

export async function listGroups(client: SyncClient): Promise<GroupListing[]> {
  const groups: GroupListing[] = [];
  // limit 1000 is the documented maximum page of groupchat/list
  for await (const group of allPages((cursor) => client.listCustomerGroups({ cursor, limit: 1_000 }))) groups.push(group);
  return groups;
}

/** Each group's detail, or null for one WeCom no longer answers for (dismissed between the list and this call: 49008). */
export async function fetchGroups(client: SyncClient, chatIds: readonly string[], concurrency: number): Promise<Array<CustomerGroup | null>> {
  // need_name: external members' names come with the group, so customers seen only in groups are named too
  return mapWithConcurrency(chatIds, concurrency, async (id) => {
    try {
      return await client.getCustomerGroup(id, { needName: true });
    } catch (error) {
      if (classifyWecomFailure(error).kind === 'id') return null;
      throw error;
    }
  });
}
