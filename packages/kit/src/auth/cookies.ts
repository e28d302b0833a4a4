import type { CookieOptions } from 'express';

/** One cookie for all eight services: cookies are not port-scoped, so a login on :5002 is also sent to :5004. */
export const SESSION_COOKIE = 'doitcrm_sid';

/**
 * The value of one cookie from a `Cookie` header, or undefined. A tiny parser instead of a dependency: we need
 * exactly one name, and when a name repeats the first wins (browsers send the most specific path first).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly: scripts (and an XSS in a nickname) cannot read it; Lax: other sites cannot make the browser POST with it. */
export function sessionCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure };
}
