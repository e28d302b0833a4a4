import { randomBytes } from 'node:crypto';

/** Tests never assume an empty table: every record they create carries a suffix of its own. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}
export function uniqueName(prefix: string): string {
  return `${prefix}-${uniqueSuffix()}`;
}
