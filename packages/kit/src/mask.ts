/**
 * A phone number as lists show it: enough to tell two numbers apart and to recognise one's own, not enough to call.
 * Mainland mobiles keep the first three and last four digits (138****5678), the way Chinese apps and bank
 * statements print them; other lengths keep at most a third at each end. Separators are dropped first, so
 * `138-1234-5678` masks like `13812345678`.
 */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/[\s-]/gu, '');
  if (digits.length === 0) return '';
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  const kept = Math.floor(digits.length / 3);
  if (kept === 0) return '*'.repeat(digits.length);
  return `${digits.slice(0, kept)}${'*'.repeat(digits.length - 2 * kept)}${digits.slice(-kept)}`;
}

/**
 * An e-mail address as lists show it: the first character of the mailbox and the whole domain (z***@example.com),
 * enough to tell a school's address from a parent's, not enough to write to it. Something without an @ is masked as
 * a whole, the way a mailbox would be.
 */
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at < 0) return email.length === 0 ? '' : `${email.slice(0, 1)}***`;
  return `${email.slice(0, Math.min(1, at))}***${email.slice(at)}`;
}
