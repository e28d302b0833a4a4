import { allPages, classifyWecomFailure, isWecomError, type WecomClient } from '@doitcrm/wecom';
import { listGroups, listMemberDepartments } from './wecom-snapshot.ts';

export interface ProbeResult {
  api: string;
  ok: boolean;
  errcode?: number | null;
  message?: string;
}

export interface SyncTestReport {
  ok: boolean;
  corpId: string;
  probes: ProbeResult[];
  staff: number | null;
  followUsers: number | null;
  customers: number | null;
  relations: number | null;
  groups: number | null;
  /** the likely cause when something is off (no 客户联系 permission, visibility scope), in Chinese for the page */
  hints: string[];
}

const NO_FOLLOW_USERS = '没有成员开启「客户联系」，或这些成员不在应用的可见范围内：在管理后台「客户联系 → 权限配置」给成员开通，并把应用可见范围设到这些成员所在的部门';
const NO_CUSTOMERS = '成员已开启客户联系，但读不到任何客户：检查该应用是否在「客户联系 → 可调用接口的应用」中（2023-12-01 起系统应用 secret 不再可用），以及应用的可见范围';
const NOT_PERMITTED = '该应用无权调用客户联系接口（48002）：在「客户联系 → 可调用接口的应用」中加入这个自建应用';

async function probe<T>(probes: ProbeResult[], api: string, call: () => Promise<T>): Promise<T | null> {
  try {
    const value = await call();
    probes.push({ api, ok: true });
    return value;
  } catch (error) {
    const failure = classifyWecomFailure(error);
    if (failure.kind === 'unexpected') throw error;
    probes.push({ api, ok: false, errcode: isWecomError(error) ? error.errcode : null, message: 'message' in failure ? failure.message : failure.reason });
    return null;
  }
}

/**
 * Calls WeCom the way a full pass starts and writes nothing: token and permission first, then counts of members,
 * members with customer contact, customers (every batch page, distinct ids) and customer groups. Costs one call per
 * 100 relations plus a handful; names the likely cause of an empty answer (spec/peer-lessons.md: CordysCRM #1708).
 */
export async function testSync(client: WecomClient, membersPerBatch: number): Promise<SyncTestReport> {
  const probes: ProbeResult[] = [];
  const hints: string[] = [];
  const report: SyncTestReport = { ok: false, corpId: client.corpId, probes, staff: null, followUsers: null, customers: null, relations: null, groups: null, hints };
  const connection = await client.testConnection();
  if (!connection.ok) {
    probes.push({ api: connection.step, ok: false, errcode: connection.errcode, message: connection.hint });
    hints.push(connection.hint);
    return report;
  }
  probes.push({ api: 'gettoken', ok: true });
  report.staff = (await probe(probes, 'user/list_id', () => listMemberDepartments(client)))?.size ?? null;
  const followUsers = await probe(probes, 'externalcontact/get_follow_user_list', () => client.listFollowUsers());
  report.followUsers = followUsers?.length ?? null;
  if (followUsers && followUsers.length === 0) hints.push(NO_FOLLOW_USERS);
  if (followUsers && followUsers.length > 0) {
    const customers = new Set<string>();
    let relations = 0;
    const counted = await probe(probes, 'externalcontact/batch/get_by_user', async () => {
      for (let start = 0; start < followUsers.length; start += membersPerBatch) {
        const batch = followUsers.slice(start, start + membersPerBatch);
        for await (const pair of allPages((cursor) => client.batchGetExternalContacts(batch, { cursor, limit: 100 }))) {
          customers.add(pair.contact.externalUserId);
          relations += 1;
        }
      }
      return true;
    });
    if (counted) {
      report.customers = customers.size;
      report.relations = relations;
      if (customers.size === 0) hints.push(NO_CUSTOMERS);
    }
  }
  report.groups = (await probe(probes, 'externalcontact/groupchat/list', () => listGroups(client)))?.length ?? null;
  if (probes.some((p) => p.errcode === 48002)) hints.push(NOT_PERMITTED);
  report.ok = probes.every((p) => p.ok) && hints.length === 0;
  return report;
}
