import { backoffDelayMs, sleep as realSleep } from '@doitcrm/retry';
import type { CallCounter } from './call-counter.ts';
import { feishuErrorPolicy, type FeishuErrorPolicy } from './error-policy.ts';
import { FeishuError } from './feishu-error.ts';
import { sendFeishuRequest, type FeishuAnswer, type FeishuRequest, type HttpTransportOptions } from './http-transport.ts';
import type { RateBudget } from './rate-budget.ts';
import type { FeishuRetryPolicy } from './retry-policy.ts';
import type { IssuedTenantToken, TenantTokenCache } from './tenant-token-cache.ts';
import { tenantTokenShape } from './wire-schemas.ts';

export interface FeishuLogger {
  warn(obj: object, msg: string): void;
}

export interface ExecutorParts {
  transport: HttpTransportOptions;
  counter: CallCounter;
  retry: FeishuRetryPolicy;
  budget: RateBudget | null;
  logger?: FeishuLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Runs one API call under the error policy of §2.5: rate budget → tenant token → HTTP (counted) → reaction by code.
 * Every retry is bounded and the token is refreshed at most once per call; what cannot be absorbed is thrown as a
 * `FeishuError`.
 */
export class RequestExecutor {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly parts: ExecutorParts, private readonly tokens: TenantTokenCache) {
    this.sleep = parts.sleep ?? ((ms) => realSleep(ms));
  }

  /** The answer's `data` when `code` is 0. */
  async call(request: FeishuRequest): Promise<unknown> {
    const { retry } = this.parts;
    let refreshed = false;
    let retries = 0;
    let rateRetries = 0;
    for (;;) {
      await this.parts.budget?.take(request.endpoint);
      const token = await this.tokens.get();
      const sent = await this.send(request, token);
      if ('error' in sent) {
        if (sent.error.retryable && retries < retry.maxRetries) {
          await this.backOff(request.endpoint, retries++, { reason: sent.error.hint });
          continue;
        }
        throw sent.error;
      }
      const { answer } = sent;
      if (answer.code === 0 && answer.status < 300) return answer.data;
      const policy = feishuErrorPolicy(answer.code, answer.status);
      if (policy.reaction === 'refresh_token' && !refreshed) {
        refreshed = true;
        this.tokens.invalidate(token);
        continue;
      }
      if (policy.reaction === 'rate_limit' && rateRetries < retry.rateLimitMaxRetries) {
        const waitMs = answer.rateLimitResetSeconds === null
          ? backoffDelayMs(rateRetries, retry.baseDelayMs, retry.maxDelayMs, this.parts.random)
          : answer.rateLimitResetSeconds * 1000;
        if (waitMs <= retry.rateLimitMaxWaitMs) {
          rateRetries += 1;
          this.parts.logger?.warn({ endpoint: request.endpoint, code: answer.code, waitMs }, 'Feishu rate limit: waiting as x-ogw-ratelimit-reset says');
          await this.sleep(waitMs);
          continue;
        }
      }
      if (policy.reaction === 'backoff' && retries < retry.maxRetries) {
        await this.backOff(request.endpoint, retries++, { code: answer.code });
        continue;
      }
      throw toFeishuError(request.endpoint, answer, policy);
    }
  }

  /** The token endpoint (§2.2): counted, never with a token; transient failures retried, wrong credentials not. */
  async issueToken(appId: string, appSecret: string): Promise<IssuedTenantToken> {
    const request: FeishuRequest = {
      endpoint: 'tenant_access_token', method: 'POST', path: 'auth/v3/tenant_access_token/internal', body: { app_id: appId, app_secret: appSecret },
    };
    for (let retryNo = 0; ; retryNo++) {
      await this.parts.budget?.take(request.endpoint);
      const sent = await this.send(request);
      const retryable = 'error' in sent ? sent.error.retryable : sent.answer.status >= 500 || sent.answer.status === 429;
      if (retryable && retryNo < this.parts.retry.maxRetries) {
        await this.backOff(request.endpoint, retryNo, 'error' in sent ? { reason: sent.error.hint } : { status: sent.answer.status });
        continue;
      }
      if ('error' in sent) throw sent.error;
      const token = tenantTokenShape.safeParse(sent.answer.body);
      if (sent.answer.code === 0 && token.success) return { token: token.data.tenant_access_token, expireSeconds: token.data.expire };
      const policy = feishuErrorPolicy(sent.answer.code === 0 ? null : sent.answer.code, sent.answer.status);
      // a refused credential is configuration, whatever the code: repeating it does not help
      throw toFeishuError(request.endpoint, sent.answer, policy.kind === 'server' ? policy : { ...policy, kind: 'config', reaction: 'fail' });
    }
  }

  private async send(request: FeishuRequest, token?: string): Promise<{ answer: FeishuAnswer } | { error: FeishuError }> {
    this.parts.counter.count(request.endpoint);
    try {
      return { answer: await sendFeishuRequest(this.parts.transport, request, token) };
    } catch (error) {
      if (error instanceof FeishuError) return { error };
      throw error;
    }
  }

  private async backOff(endpoint: string, retryNo: number, cause: object): Promise<void> {
    const { retry } = this.parts;
    const delayMs = backoffDelayMs(retryNo, retry.baseDelayMs, retry.maxDelayMs, this.parts.random);
    this.parts.logger?.warn({ endpoint, ...cause, retry: retryNo + 1, delayMs }, 'Feishu call failed transiently, backing off');
    await this.sleep(delayMs);
  }
}

function toFeishuError(endpoint: string, answer: FeishuAnswer, policy: FeishuErrorPolicy): FeishuError {
  return new FeishuError({
    kind: policy.kind, code: answer.code, httpStatus: answer.status, endpoint, hint: policy.hint, feishuMessage: answer.msg, logId: answer.logId,
    retryable: policy.reaction !== 'fail',
  });
}
