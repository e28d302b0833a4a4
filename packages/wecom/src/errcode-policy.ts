import type { WecomErrorKind } from './wecom-error.ts';

/**
 * What the client does with an errcode:
 * - `refresh_token`: drop the cached token, fetch a new one, retry once (WeCom may invalidate tokens early);
 * - `backoff`: exponential back-off with jitter, bounded (system busy);
 * - `wait_window`: the whole corp pauses for the violated window, then retries (bounded);
 * - `lower_concurrency`: fewer calls in flight, short pause, retry (bounded);
 * - `fail`: throw at once; asking again would give the same answer or make things worse.
 */
export type ErrcodeReaction = 'refresh_token' | 'backoff' | 'wait_window' | 'lower_concurrency' | 'fail';

export interface ErrcodePolicy {
  reaction: ErrcodeReaction;
  kind: WecomErrorKind;
  permanent: boolean;
  hint: string;
}

/** Where the errcode came from: gettoken answers some codes with a different meaning (40001 = wrong secret). */
export type ErrcodeSource = 'gettoken' | 'api';

const fail = (kind: WecomErrorKind, hint: string, permanent = true): ErrcodePolicy => ({ reaction: 'fail', kind, permanent, hint });

const BUSY: ErrcodePolicy = { reaction: 'backoff', kind: 'busy', permanent: false, hint: '企业微信系统繁忙，已按退避重试仍失败，请稍后再试 (WeCom is busy; retried with back-off, try again later)' };
const TOKEN_REJECTED: ErrcodePolicy = {
  reaction: 'refresh_token', kind: 'auth', permanent: true,
  hint: 'access_token 无效或已过期，重新获取后仍被拒绝：检查 Secret 是否被重置或应用是否停用 (the access token was rejected even after refetching it: was the secret reset or the app disabled?)',
};
const FREQUENCY: ErrcodePolicy = {
  reaction: 'wait_window', kind: 'rate_limit', permanent: false,
  hint: '接口调用频率超限，等待限频窗口后仍被拦截：降低每分钟调用次数，稍后再试 (frequency limit: still blocked after waiting out the window; lower the calls per minute and try later)',
};
const CONCURRENCY: ErrcodePolicy = {
  reaction: 'lower_concurrency', kind: 'rate_limit', permanent: false,
  hint: '同一接口并发调用过多，降低并发后仍失败：稍后再试 (too many concurrent calls to this API even at lower concurrency; try later)',
};
const NO_SUCH_MEMBER = fail('not_found', '成员 userid 不存在：已离职、已删除或不在应用可见范围内 (no such member: left, deleted, or outside the app\'s visibility)');
const NOT_PERMITTED = fail('permission',
  '此 Secret 无权调用该接口：客户联系接口需在「客户联系 → 可调用接口的应用」中加入本应用，会话存档接口需使用会话存档 Secret (this secret may not call the API: add the app under Customer Contact → apps allowed to call the API, or use the chat-archive secret for msgaudit)');

const API_POLICIES: Readonly<Record<number, ErrcodePolicy>> = {
  [-1]: BUSY,
  40001: TOKEN_REJECTED,
  40014: TOKEN_REJECTED,
  42001: TOKEN_REJECTED,
  45009: FREQUENCY,
  45033: CONCURRENCY,
  40003: NO_SUCH_MEMBER,
  60111: NO_SUCH_MEMBER,
  40096: fail('not_found', '外部联系人 id 无效：不属于本企业主体，或其跟进成员不在应用可见范围内 (invalid external user id: another corp\'s id, or its followers are outside the app\'s visibility)'),
  84061: fail('not_found', '成员与该客户之间没有好友关系（客户已被删除，或为免验证会话） (no external-contact relationship between the members and this customer: deleted, or a chat without friendship)'),
  49008: fail('not_found', '群聊已解散 (the group chat was dismissed)'),
  40050: fail('not_found', '群聊 id 不存在 (no such chat id)'),
  90501: fail('not_found', '该群不是客户群（内部群请用会话存档接口查询） (not a customer group; internal groups are read through the chat-archive API)'),
  301059: fail('not_found', '非内部群，会话存档接口不提供数据（客户群请用客户联系接口查询） (not an internal group; customer groups are read through the customer-contact API)'),
  81013: fail('not_found', '指定的成员/部门/标签全部无效 (every recipient is invalid)'),
  48002: NOT_PERMITTED,
  48006: fail('permission', '应用长时间未使用，接口权限已被收回：请管理员在后台重新启用 (API permission was withdrawn after long disuse: an admin must re-enable it)'),
  84074: fail('permission', '没有客户联系权限：在管理后台为应用开启客户联系 (no customer-contact permission: enable Customer Contact for the app)'),
  60011: fail('permission', '成员或部门不在应用可见范围内：在管理后台扩大应用的可见范围 (member or department outside the app\'s visibility: widen it in the admin console)'),
  301052: fail('permission', '会话存档服务已过期 (the chat-archive service has expired)'),
  301053: fail('permission', '会话存档服务未开启 (the chat-archive service is not enabled)'),
  60020: fail('ip', '服务器 IP 不在企业微信可信 IP 列表中：在应用的「企业可信IP」中加入本服务器出口 IP，约 1 分钟后生效 (add this server\'s IP to the app\'s trusted IPs; it takes about a minute)'),
  40013: fail('auth', 'CorpID 不正确：在管理后台「我的企业」页底部核对企业 ID (wrong corp id: check it at the bottom of My Company in the admin console)'),
  40091: fail('auth', 'Secret 不合法，可能填了其他企业的 Secret (invalid secret, perhaps another corp\'s)'),
  41001: fail('other', '缺少 access_token（客户端程序错误） (access_token missing: a bug in this client)'),
  41002: fail('auth', '缺少 CorpID：检查配置 (corp id missing: check the configuration)'),
  41004: fail('auth', '缺少 Secret：检查配置 (secret missing: check the configuration)'),
  40058: fail('other', '请求参数不合法（客户端程序错误） (invalid request parameters: a bug in this client)'),
  40063: fail('other', '缺少必填参数（客户端程序错误） (a required parameter is empty: a bug in this client)'),
  81017: fail('other', '可见范围内群主超过 1000 人，需按群主过滤 (more than 1000 owners in scope: filter by owner)'),
  93000: fail('not_found', '机器人 webhook 地址无效或机器人已被移出群 (webhook invalid or the robot was removed from the group)'),
};

/** gettoken's own meanings: a wrong secret must not be retried, or WeCom blocks this IP for an hour. */
const GETTOKEN_POLICIES: Readonly<Record<number, ErrcodePolicy>> = {
  40001: fail('auth', 'Secret 不正确：核对应用 Secret（是否已重置、是否属于这个企业、应用是否停用） (wrong secret: check the app secret, whether it was reset, belongs to this corp, or the app is disabled)'),
  45009: fail('rate_limit',
    '获取 access_token 被限频：多次使用错误 Secret 会使本 IP 被封禁一小时，请核对 Secret 后稍后再试 (gettoken is rate-limited: repeated wrong secrets block this IP for an hour; check the secret and try later)', false),
};

/** How the client reacts to an errcode; unknown codes are thrown, never retried blindly. */
export function errcodePolicy(errcode: number, source: ErrcodeSource = 'api'): ErrcodePolicy {
  const own = source === 'gettoken' ? GETTOKEN_POLICIES[errcode] : undefined;
  const known = own ?? API_POLICIES[errcode];
  if (known) {
    // gettoken never re-enters the token dance: an invalid-token code there is simply a failure
    return source === 'gettoken' && known.reaction === 'refresh_token' ? { ...known, reaction: 'fail' } : known;
  }
  return fail('other', `企业微信返回未知错误码 ${errcode}，请在 https://open.work.weixin.qq.com/devtool/query?e=${errcode} 查询 (unknown errcode ${errcode}; look it up there)`, false);
}

/** Every errcode the client knows by name, for documentation and tests. */
export const KNOWN_ERRCODES: readonly number[] = Object.keys(API_POLICIES).map(Number);
