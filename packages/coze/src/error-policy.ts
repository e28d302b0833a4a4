import type { CozeErrorKind } from './coze-error.ts';

export interface CozeErrorPolicy {
  kind: CozeErrorKind;
  retryable: boolean;
  hint: string;
}

const INVALID_TOKEN: CozeErrorPolicy = {
  kind: 'config', retryable: false,
  hint: '扣子访问令牌无效或已过期：在扣子「API 授权 → 个人访问令牌」重新生成并更新 COZE_API_TOKEN (the Coze personal access token is invalid or expired: create a new one and set COZE_API_TOKEN)',
};
const NO_PERMISSION: CozeErrorPolicy = {
  kind: 'config', retryable: false,
  hint: '访问令牌无权使用此机器人：令牌需开通「Bot 管理」与「对话」权限，并能访问机器人所在的工作空间 (the token may not use this bot: grant it bot and chat permissions and access to the bot\'s workspace)',
};
const BOT_NOT_AVAILABLE: CozeErrorPolicy = {
  kind: 'config', retryable: false,
  hint: '机器人不存在或未发布为 API 服务：核对 COZE_PARENT_BOT_ID / COZE_TEACHER_BOT_ID，并在扣子中将机器人发布到「API」渠道 (bot not found or not published as an API service: check the bot ids and publish the bot to the API channel)',
};
const RATE_LIMITED: CozeErrorPolicy = {
  kind: 'rate_limited', retryable: true,
  hint: '扣子接口调用频率超限，已按退避重试仍失败：请稍后再试 (Coze rate limit: retried with back-off, try again later)',
};
const BUSY: CozeErrorPolicy = {
  kind: 'busy', retryable: true,
  hint: '该会话中已有进行中的对话，已等待重试仍失败：请稍后再试 (a chat is already running in this conversation; try again later)',
};
const SERVER: CozeErrorPolicy = {
  kind: 'server', retryable: true,
  hint: '扣子服务暂时不可用，已按退避重试仍失败：请稍后再试 (Coze server error: retried with back-off, try again later)',
};
const TIMEOUT: CozeErrorPolicy = {
  kind: 'timeout', retryable: true,
  hint: '扣子响应超时：请稍后再试 (Coze did not answer in time; try again later)',
};
const BAD_REQUEST: CozeErrorPolicy = {
  kind: 'bad_request', retryable: false,
  hint: '扣子拒绝了请求参数（程序错误或内容超限） (Coze refused the request parameters: a bug in the caller or content over a limit)',
};

/** Business codes (https://www.coze.cn/open/docs/developer_guides/coze_error_codes; coze-js's APIError.generate, coze-py's docstrings). */
const BY_CODE: Readonly<Record<number, CozeErrorPolicy>> = {
  4000: BAD_REQUEST,
  4100: INVALID_TOKEN,
  4101: NO_PERMISSION,
  4200: BOT_NOT_AVAILABLE,
  // "the bot has not been published to the Agent-as-API channel"
  4015: BOT_NOT_AVAILABLE,
  4013: RATE_LIMITED,
  // we never pass a conversation_id, so a running chat is one of ours that Coze has not closed yet: wait and retry
  4016: BUSY,
};

const BY_STATUS: Readonly<Record<number, CozeErrorPolicy>> = {
  400: BAD_REQUEST,
  401: INVALID_TOKEN,
  403: NO_PERMISSION,
  404: BOT_NOT_AVAILABLE,
  408: TIMEOUT,
  429: RATE_LIMITED,
};

/**
 * How the client reacts to a failure: by Coze's business code when there is one (Coze may send it with HTTP 200
 * or with the mapped status), else by the HTTP status. Unknown 4xxx codes and 4xx statuses are the request's
 * fault and not retried; codes ≥ 5000 and statuses ≥ 500 are Coze's and retried.
 */
export function cozeErrorPolicy(code: number | null, httpStatus: number | null): CozeErrorPolicy {
  if (code !== null && code > 0) {
    const known = BY_CODE[code];
    if (known) return known;
    if (code >= 5000) return SERVER;
  }
  if (httpStatus !== null) {
    const known = BY_STATUS[httpStatus];
    if (known) return known;
    if (httpStatus >= 500) return SERVER;
  }
  if (code !== null && code > 0) return { ...BAD_REQUEST, hint: `扣子返回未知错误码 ${code} (unknown Coze error code ${code})` };
  return SERVER;
}

export const TIMEOUT_POLICY = TIMEOUT;
export const SERVER_POLICY = SERVER;
