import type { FeishuErrorKind } from './feishu-error.ts';

/**
 * - `refresh_token`: drop the cached tenant token, fetch a new one and repeat the call — once (§2.2);
 * - `rate_limit`: wait what `x-ogw-ratelimit-reset` says (seconds), then repeat;
 * - `backoff`: repeat after an exponential, jittered pause;
 * - `fail`: throw at once.
 */
export type FeishuReaction = 'refresh_token' | 'rate_limit' | 'backoff' | 'fail';

export interface FeishuErrorPolicy {
  kind: FeishuErrorKind;
  reaction: FeishuReaction;
  hint: string;
}

const p = (kind: FeishuErrorKind, reaction: FeishuReaction, hint: string): FeishuErrorPolicy => ({ kind, reaction, hint });

const TOKEN = p('config', 'refresh_token', '飞书 tenant_access_token 无效，重新获取后仍被拒绝：检查 FEISHU_APP_ID / FEISHU_APP_SECRET (the tenant token was refused again after a refresh: check the app id and secret)');
const RATE = p('rate_limited', 'rate_limit', '飞书接口调用频率超限，已按 x-ogw-ratelimit-reset 等待重试仍失败：请稍后再试 (Feishu rate limit: waited as told and retried, try again later)');
const BUSY = p('busy', 'backoff', '多维表格繁忙（写冲突或数据未就绪），已退避重试仍失败：请稍后再试 (the base is busy — write conflict or data not ready — retried with back-off, try again later)');
const SERVER = p('server', 'backoff', '飞书服务暂时不可用，已退避重试仍失败：请稍后再试 (Feishu server error, retried with back-off, try again later)');
const TIMEOUT = p('timeout', 'backoff', '飞书处理超时，已退避重试仍失败：请稍后再试 (Feishu timed out, retried with back-off, try again later)');
const PERMISSION = p('permission', 'fail', '应用无权访问该多维表格：在多维表格「更多 → 添加文档应用」中加入本应用，或在高级权限中给应用所在角色读写权限 (the app may not access this base: add the app to the base, or give its role read/write permission)');
const FIELD_MISSING = p('field', 'fail', '多维表格中没有这个字段（字段被改名或删除）：核对表格字段与字段映射 (the table has no field of this name — renamed or deleted: check the table and the field mapping)');
const FIELD_VALUE = p('field', 'fail', '字段值无法转换为该字段类型：检查写入的值与字段类型 (a value could not be converted to its field\'s type)');
const NOT_FOUND = p('not_found', 'fail', '记录不存在（可能已被删除） (the record does not exist, it may have been deleted)');
const BASE = p('config', 'fail', '多维表格 app_token 或 table_id 不正确：核对配置 (wrong app_token or table_id: check the configuration)');
const DOC_NOT_FOUND = p('config', 'fail', '找不到这个多维表格（91402）：核对 FEISHU_APP_TOKEN，或确认多维表格没有被删除、移动 (no such base: check the app_token, or whether the base was deleted)');
const CREDENTIALS = p('config', 'fail', '飞书应用凭证无效：检查 FEISHU_APP_ID / FEISHU_APP_SECRET (invalid app credentials: check the app id and secret)');
const LIMIT = p('limit', 'fail', '超出多维表格的数量或大小限制 (over a documented Bitable limit: records, cell size or answer size)');
const BAD_REQUEST = p('bad_request', 'fail', '飞书拒绝了请求参数（程序错误） (Feishu refused the request parameters: a bug in the caller or this client)');

/** Codes of external-apis.md §2.5 (Bitable search-records error table, platform token codes), and the drive gateway's 91402/91403 (NOTEXIST/FORBIDDEN). */
const BY_CODE: Readonly<Record<number, FeishuErrorPolicy>> = {
  99991661: TOKEN, 99991663: TOKEN, 99991664: TOKEN, 99991671: TOKEN,
  99991400: RATE,
  1254290: p('rate_limited', 'backoff', RATE.hint),
  1254291: BUSY, 1254607: BUSY, 1254036: BUSY,
  1255040: TIMEOUT,
  1254301: PERMISSION, 1254302: PERMISSION, 1254303: PERMISSION, 91403: PERMISSION,
  1254045: FIELD_MISSING, 1254044: FIELD_MISSING,
  1254043: NOT_FOUND,
  91402: DOC_NOT_FOUND,
  1254003: BASE, 1254040: BASE, 1254004: BASE, 1254041: BASE, 1254005: BASE, 1254042: BASE,
  10003: CREDENTIALS, 10014: CREDENTIALS,
  1254030: LIMIT, 1254130: LIMIT,
};

/**
 * The reaction to a failure: by Feishu's `code` when the answer has one (Feishu sends some with HTTP 200, some with
 * 400/403/429/504, §2.1), else by the HTTP status. Value conversion codes 1254060–1254072 are field errors,
 * 1254100–1254109 limits, 1255001–1255005 internal errors (retried "a few times").
 */
export function feishuErrorPolicy(code: number | null, httpStatus: number | null): FeishuErrorPolicy {
  if (code !== null && code !== 0) {
    const known = BY_CODE[code];
    if (known) return known;
    if (code >= 1254060 && code <= 1254072) return FIELD_VALUE;
    if (code >= 1254100 && code <= 1254109) return LIMIT;
    if (code >= 1255001 && code <= 1255005) return SERVER;
  }
  if (httpStatus === 429) return RATE;
  if (httpStatus === 504) return TIMEOUT;
  if (httpStatus !== null && httpStatus >= 500) return SERVER;
  if (httpStatus === 401) return TOKEN;
  if (httpStatus === 403) return PERMISSION;
  if (httpStatus === 404) return { ...BASE, hint: `飞书没有这个接口地址：检查 FEISHU_BASE_URL (no such API at this address: check FEISHU_BASE_URL)` };
  return code !== null && code !== 0 ? { ...BAD_REQUEST, hint: `飞书返回未知错误码 ${code} (unknown Feishu error code ${code})` } : BAD_REQUEST;
}

export const TRANSPORT_POLICY = SERVER;
