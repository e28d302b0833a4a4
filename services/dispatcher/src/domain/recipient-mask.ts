import { maskEmail, maskPhone } from '@doitcrm/kit';

/**
 * A recipient as a viewer sees it. Recipients are phone numbers, e-mail addresses, WeCom user ids, OpenIDs or robot
 * webhook addresses: all of them identify a person or let one write to a group, so none is shown whole. Phones and
 * e-mail keep the shape people recognise (138****5678, z***@example.com); anything else keeps a few characters at
 * each end.
 */
export function maskRecipient(recipient: string): string {
  if (recipient.includes('@')) return maskEmail(recipient) ?? '';
  if (/^\+?[\d\s-]{5,20}$/u.test(recipient)) return maskPhone(recipient) ?? '';
  if (recipient.length <= 4) return '*'.repeat(recipient.length);
  const kept = Math.min(3, Math.floor(recipient.length / 4));
  return `${recipient.slice(0, kept)}***${recipient.slice(-kept)}`;
}
