import type { DispatchChannel } from '@doitcrm/types';

/**
 * The adapters the dispatcher can send through: a template's channel (`DISPATCH_CHANNELS` in packages/types), with
 * SMS split into its providers (the SMS router picks one per message).
 */
export type ChannelName = Exclude<DispatchChannel, 'sms'> | 'sms_aliyun' | 'sms_tencent';

/** One message to one recipient, already rendered; each adapter reads the fields its provider needs. */
export interface OutgoingMessage {
  /** our message id: the idempotency key every adapter hands its provider where the provider takes one */
  id: string;
  traceId?: string;
  /** phone number (SMS), address (email), userid (WeCom app), openid (WeChat OA); robots and webhooks ignore it */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /**
   * SMS and WeChat OA send approved templates, not free text: the provider's template id and its variables (in
   * the template's order: Tencent takes them positionally)
   */
  template?: { id: string; params: Readonly<Record<string, string>> };
  /** where a card or template message links to */
  url?: string;
  /** the dispatcher template it was made from and the values it was filled with (the app webhook passes them on) */
  templateId?: number;
  variables?: Readonly<Record<string, unknown>>;
}

export interface SendResult {
  /** the provider's id for the send (BizId, SerialNo, msgid, Message-ID…), for delivery receipts and support */
  providerMessageId: string;
}

export interface ChannelAdapter {
  readonly channel: ChannelName;
  /** throws `ChannelError` for every failure, classified */
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): Promise<void>;
}
