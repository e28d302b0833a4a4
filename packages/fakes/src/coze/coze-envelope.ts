import type { Response } from 'express';
import { ENVELOPE_KINDS, type CozeInjectionKind, type CozeInjectionRule } from './coze-injection.ts';
import type { CozeFakeContext } from './coze-fake-context.ts';

/**
 * The HTTP status the official JS SDK pairs with each code (APIError.generate in
 * https://github.com/coze-dev/coze-js/blob/main/packages/coze-js/src/error.ts); other 4xxx codes → 400.
 */
const STATUS_OF_CODE: Readonly<Record<number, number>> = { 4100: 401, 4101: 403, 4200: 404, 4013: 429, 5000: 500 };

const DEFAULT_MSG: Readonly<Record<number, string>> = {
  4000: 'The request parameters are invalid.',
  4100: 'The token you entered is incorrect. Please double-check and try again.',
  4101: 'The token you entered does not have the permission for this operation.',
  4200: 'The requested resource does not exist or has not been published.',
  4013: 'The request rate limit has been exceeded. Please try again later.',
  4016: 'A chat is already in progress in this conversation. Please try again after it completes.',
  4104: 'This chat cannot be cancelled in its current state.',
  5000: 'Internal server error.',
};

const INJECTED_CODE: Partial<Record<CozeInjectionKind, number>> = {
  invalid_token: 4100, no_permission: 4101, bot_not_found: 4200, rate_limited: 4013, busy: 4016, bad_request: 4000, server_error: 5000,
};

export interface EnvelopeFailure {
  code: number;
  msg?: string;
  /** overrides the mapped status (5xx injections) */
  status?: number;
}

/** Answers `{code, msg, detail: {logid}}` with the mapped HTTP status (or 200, when the fake is set so). */
export function sendEnvelopeError(ctx: CozeFakeContext, res: Response, failure: EnvelopeFailure): void {
  const mapped = failure.status ?? STATUS_OF_CODE[failure.code] ?? (failure.code >= 5000 ? 500 : 400);
  const status = ctx.errorStatus === 'always200' ? 200 : mapped;
  const logId = ctx.nextLogId();
  const call = ctx.currentCall(res);
  call.status = status;
  call.code = failure.code;
  res.status(status).set('x-tt-logid', logId).json({ code: failure.code, msg: failure.msg ?? DEFAULT_MSG[failure.code] ?? 'error', detail: { logid: logId } });
}

/** Answers `{code: 0, msg: "", data}`. */
export function sendEnvelope(ctx: CozeFakeContext, res: Response, data: unknown): void {
  const logId = ctx.nextLogId();
  const call = ctx.currentCall(res);
  call.status = 200;
  call.code = 0;
  res.status(200).set('x-tt-logid', logId).json({ code: 0, msg: '', data, detail: { logid: logId } });
}

/** Notes the rule on the request's log entry; answers its envelope error when it is one (then true). */
export function answerInjection(ctx: CozeFakeContext, res: Response, rule: CozeInjectionRule | null): boolean {
  ctx.currentCall(res).injected = rule?.kind ?? null;
  if (!rule || !ENVELOPE_KINDS.has(rule.kind)) return false;
  sendEnvelopeError(ctx, res, {
    code: rule.code ?? INJECTED_CODE[rule.kind] ?? 5000,
    msg: rule.msg,
    status: rule.kind === 'server_error' ? rule.status ?? 500 : undefined,
  });
  return true;
}
