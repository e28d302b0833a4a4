import type { DispatchChannel } from '@doitcrm/types';
import type { KnownPhones } from '../data-access/contact-phone-repository.ts';
import type { ClaimedMessage } from '../data-access/message-store.ts';
import { maskRecipient } from './recipient-mask.ts';
import { recipientProblem } from './recipient-shape.ts';

/** where a fallback's recipient came from: the caller (`given`), the message's own recipient, or contacts-sync's phones */
export type FallbackRecipientSource = 'given' | 'recipient' | 'contacts';

export type FallbackRecipient =
  | { recipient: string; from: FallbackRecipientSource; traceDetail: Record<string, unknown> }
  | { skipped: string };

/**
 * Whom a permanently failed message's fallback goes to. The caller's `fallback_recipient` first (checked at
 * acceptance); else the recipient itself when the fallback's channel can take it; else, for an SMS fallback, the one
 * phone contacts-sync knows for that WeCom id (a staff member's mobile; a customer's remark mobile only when there is
 * exactly one — two numbers are a guess, and a guess may reach a stranger). Otherwise none, and the reason says why.
 * The trace gets the recipient masked: it is read by viewers of the monitor as well.
 */
export async function chooseFallbackRecipient(
  message: ClaimedMessage, channel: DispatchChannel, lookup: (wecomId: string) => Promise<KnownPhones | null>,
): Promise<FallbackRecipient> {
  const chosen = (recipient: string, from: FallbackRecipientSource) =>
    ({ recipient, from, traceDetail: { recipient: maskRecipient(recipient), recipientFrom: from } });
  if (message.fallbackRecipient !== null) {
    // a template's fallback may have changed channel since acceptance
    const problem = recipientProblem(channel, message.fallbackRecipient);
    return problem === null ? chosen(message.fallbackRecipient, 'given') : { skipped: `备用收件人${problem}（备用渠道 ${channel}）` };
  }
  const unreachable = recipientProblem(channel, message.recipient);
  if (unreachable === null) return chosen(message.recipient, 'recipient');
  if (channel === 'sms') {
    const known = await lookup(message.recipient);
    const mobiles = [...new Set(known?.mobiles ?? [])].filter((mobile) => recipientProblem('sms', mobile) === null);
    if (known && mobiles.length === 1) return chosen(mobiles[0]!, 'contacts');
    if (known && mobiles.length > 1) return { skipped: `通讯录中该客户有 ${mobiles.length} 个手机号，无法确定（备用渠道 sms）` };
  }
  const noPhone = channel === 'sms' ? '，通讯录中也没有其手机号' : '';
  return { skipped: `收件人${unreachable}${noPhone}（备用渠道 ${channel}）` };
}
