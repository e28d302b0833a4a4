import { ChannelError, createAppWebhookAdapter, type ChannelAdapter, type Channels } from '@doitcrm/channels';
import type { ClaimedMessage } from '../data-access/message-store.ts';
import type { AdapterSource } from './send-message.ts';
import type { WebhookGuard } from './webhook-guard.ts';

export interface AdapterSourceOptions {
  channels: Channels;
  guard: WebhookGuard;
  /** the value of a template's webhook_secret_ref (the name of a setting, never the secret itself) */
  secret: (name: string) => string | undefined;
  timeoutMs: number;
}

/**
 * The configured adapters (createChannelsFromSettings), and for app-webhook templates with their own URL an adapter
 * per URL and secret whose every connection goes through the SSRF guard.
 */
export function createAdapterSource(options: AdapterSourceOptions): AdapterSource {
  const webhooks = new Map<string, ChannelAdapter>();
  const notConfigured = (message: ClaimedMessage, why: string) =>
    new ChannelError({ channel: message.channel === 'sms' ? 'sms_aliyun' : message.channel, kind: 'permanent', code: 'not_configured', message: why });

  return {
    async adapterFor(message) {
      const { webhookUrl, webhookSecretRef } = message.template;
      if (message.channel === 'app_webhook' && webhookUrl) {
        // refused here as a permanent failure; the guarded fetch checks again at connect time against DNS rebinding
        await options.guard.check(webhookUrl);
        const secret = webhookSecretRef ? options.secret(webhookSecretRef) : undefined;
        if (!secret) throw notConfigured(message, `webhook secret ${webhookSecretRef ?? '(none)'} is not set`);
        const key = `${webhookUrl}\n${webhookSecretRef}`;
        let adapter = webhooks.get(key);
        if (!adapter) {
          adapter = createAppWebhookAdapter({ url: webhookUrl, secret, timeoutMs: options.timeoutMs, request: options.guard.request });
          webhooks.set(key, adapter);
        }
        return adapter;
      }
      const adapter = options.channels[message.channel];
      if (!adapter) throw notConfigured(message, `channel ${message.channel} has no credentials configured`);
      return adapter;
    },
  };
}
