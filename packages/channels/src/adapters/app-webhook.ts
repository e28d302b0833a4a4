import { createHmac } from 'node:crypto';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { httpStatusError } from '../http-call.ts';
import { requestHttp, type HttpRequester } from '../http-request.ts';

export interface AppWebhookOptions {
  url: string;
  /** shared with the receiver, who recomputes `X-Signature` over the raw body */
  secret: string;
  timeoutMs: number;
  /** how the call is made: the dispatcher passes its SSRF guard's; default node:http(s) unguarded */
  request?: HttpRequester;
}

/** `sha256=<hex HMAC-SHA256 of the body>`, the header the receiver checks. */
export function appWebhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Our own signed webhook to an app backend. Idempotent by contract: `X-Message-Id` is our message id and the
 * receiver must answer a repeat with 2xx without acting twice. 429 and 503 carry `Retry-After`.
 */
export function createAppWebhookAdapter(options: AppWebhookOptions): ChannelAdapter {
  const request = options.request ?? requestHttp('app_webhook');
  return {
    channel: 'app_webhook',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const body = JSON.stringify({
        // the contract of issue 16: what the app backend reads
        message_id: message.id,
        trace_id: message.traceId ?? null,
        template_id: message.templateId ?? null,
        recipient: message.to,
        content: message.text,
        variables: message.variables ?? {},
        id: message.id,
        to: message.to,
        ...(message.subject === undefined ? {} : { subject: message.subject }),
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        ...(message.url === undefined ? {} : { url: message.url }),
      });
      const answer = await request(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature': appWebhookSignature(options.secret, body),
          'x-message-id': message.id,
          ...(message.traceId ? { 'x-trace-id': message.traceId } : {}),
        },
        body,
      }, options.timeoutMs);
      if (answer.status >= 200 && answer.status < 300) return { providerMessageId: message.id };
      throw httpStatusError('app_webhook', answer);
    },
  };
}
