import { backoffDelayMs } from '@doitcrm/retry';
import type { AccessTokenCache, IssuedToken } from './access-token-cache.ts';
import type { ConcurrencyGate } from './budget/concurrency-gate.ts';
import type { RateBudget } from './budget/rate-budget.ts';
import type { TimeSource } from './budget/token-bucket.ts';
import { errcodePolicy, type ErrcodePolicy } from './errcode-policy.ts';
import { sendWecomRequest, type HttpTransportOptions, type WecomAnswer, type WecomRequest } from './http-transport.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { WecomError, WecomTransportError } from './wecom-error.ts';

export interface WecomLogger {
  warn(obj: object, msg: string): void;
}

export interface RequestExecutorParts {
  transport: HttpTransportOptions;
  budget: RateBudget;
  gate: ConcurrencyGate;
  retry: RetryPolicy;
  time: TimeSource;
  logger?: WecomLogger;
  random?: () => number;
}

/**
 * Runs one API call under the error policy: rate budget → access token → concurrency gate → HTTP, then
 * decides on the errcode (see `errcodePolicy`). Every retry is bounded; what cannot be absorbed is thrown as a
 * `WecomError` (or `WecomTransportError` when WeCom never answered).
 */
export class RequestExecutor {
  constructor(
    private readonly parts: RequestExecutorParts,
    private readonly tokens: AccessTokenCache,
  ) {}

  async call(corpId: string, secret: string, request: WecomRequest): Promise<WecomAnswer> {
    const { budget, gate, retry, time } = this.parts;
    let tokenRefetched = false;
    let busyRetries = 0;
    let frequencyRetries = 0;
    let concurrencyRetries = 0;
    for (;;) {
      await budget.take(request.endpoint);
      const token = await this.tokens.get(corpId, secret);
      const permit = await gate.acquire();
      // the permit is given back before any back-off sleep: a sleeping caller must not hold a place in flight
      const sent = await sendWecomRequest(this.parts.transport, request, token)
        .then((answer) => ({ answer }), (error: unknown) => ({ error }));
      permit.release();
      if ('error' in sent) {
        const { error } = sent;
        if (error instanceof WecomTransportError && error.transient && busyRetries < retry.busyMaxRetries) {
          await this.backOff(request.endpoint, busyRetries++, { reason: error.reason });
          continue;
        }
        throw error;
      }
      const { answer } = sent;
      if (answer.errcode === 0) {
        gate.noteSuccess();
        return answer;
      }
      const policy = errcodePolicy(answer.errcode, 'api');
      switch (policy.reaction) {
        case 'refresh_token':
          if (!tokenRefetched) {
            tokenRefetched = true;
            this.tokens.invalidate(corpId, secret, token);
            continue;
          }
          break;
        case 'backoff':
          if (busyRetries < retry.busyMaxRetries) {
            await this.backOff(request.endpoint, busyRetries++, { errcode: answer.errcode });
            continue;
          }
          break;
        case 'wait_window': {
          // everyone in this corp waits, not only this caller: the interception is per corp and API
          await budget.pause(request.endpoint, retry.frequencyLimitWaitMs);
          if (frequencyRetries < retry.frequencyLimitMaxRetries) {
            frequencyRetries += 1;
            this.parts.logger?.warn({ endpoint: request.endpoint, errcode: answer.errcode, waitMs: retry.frequencyLimitWaitMs },
              'WeCom frequency limit: pausing all calls for the window');
            continue;
          }
          break;
        }
        case 'lower_concurrency':
          if (concurrencyRetries < retry.concurrencyMaxRetries) {
            const lowered = gate.lower(permit.generation);
            if (lowered) {
              this.parts.logger?.warn({ endpoint: request.endpoint, errcode: answer.errcode, concurrency: gate.limit },
                'WeCom concurrency limit: lowering the number of calls in flight');
            }
            await time.sleep(backoffDelayMs(concurrencyRetries++, retry.concurrencyBaseDelayMs, retry.busyMaxDelayMs, this.parts.random));
            continue;
          }
          break;
        case 'fail':
          break;
      }
      throw toWecomError(request.endpoint, answer, policy);
    }
  }

  /**
   * gettoken: no token, no concurrency gate (it is the gate's own prerequisite), still rate-limited.
   * Only "busy" and transport failures are retried: a wrong secret repeated gets the server's IP blocked.
   */
  async issueToken(corpId: string, secret: string): Promise<IssuedToken> {
    const request: WecomRequest = { endpoint: 'gettoken', method: 'GET', query: { corpid: corpId, corpsecret: secret } };
    for (let retryNo = 0; ; retryNo++) {
      await this.parts.budget.take('gettoken');
      let answer: WecomAnswer;
      try {
        answer = await sendWecomRequest(this.parts.transport, request);
      } catch (error) {
        if (error instanceof WecomTransportError && error.transient && retryNo < this.parts.retry.busyMaxRetries) {
          await this.backOff('gettoken', retryNo, { reason: error.reason });
          continue;
        }
        throw error;
      }
      if (answer.errcode === 0) return readIssuedToken(answer);
      const policy = errcodePolicy(answer.errcode, 'gettoken');
      if (policy.reaction === 'backoff' && retryNo < this.parts.retry.busyMaxRetries) {
        await this.backOff('gettoken', retryNo, { errcode: answer.errcode });
        continue;
      }
      throw toWecomError('gettoken', answer, policy);
    }
  }

  private async backOff(endpoint: string, retryNo: number, cause: object): Promise<void> {
    const { retry, time } = this.parts;
    const delayMs = backoffDelayMs(retryNo, retry.busyBaseDelayMs, retry.busyMaxDelayMs, this.parts.random);
    this.parts.logger?.warn({ endpoint, ...cause, retry: retryNo + 1, delayMs }, 'WeCom call failed transiently, backing off');
    await time.sleep(delayMs);
  }
}

function readIssuedToken(answer: WecomAnswer): IssuedToken {
  const { access_token: accessToken, expires_in: expiresIn } = answer;
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw new WecomTransportError('bad_body', 'gettoken', 'answer lacks access_token or expires_in');
  }
  return { accessToken, expiresInSeconds: expiresIn };
}

function toWecomError(endpoint: string, answer: WecomAnswer, policy: ErrcodePolicy): WecomError {
  return new WecomError({
    errcode: answer.errcode, errmsg: answer.errmsg, permanent: policy.permanent, kind: policy.kind, hint: policy.hint, endpoint,
  });
}
