import { WecomFakeFailure } from './wecom-errmsg.ts';

/**
 * Opaque cursors as WeCom hands them out: they encode where the next page starts and which query they belong to,
 * so a cursor replayed with a different query is refused (40058) instead of silently paging something else.
 */
export function encodeCursor(offset: number, queryKey: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: unknown, queryKey: string): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  if (typeof cursor !== 'string') throw new WecomFakeFailure(40058, 'invalid cursor');
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === queryKey) return parsed.o;
  } catch {}
  throw new WecomFakeFailure(40058, 'invalid cursor');
}

/** One page of `items` from `offset`, with the cursor of the next page ("" at the end, as documented). */
export function pageOf<T>(items: readonly T[], offset: number, limit: number, queryKey: string): { page: T[]; nextCursor: string } {
  const page = items.slice(offset, offset + limit);
  const next = offset + page.length;
  return { page, nextCursor: next < items.length ? encodeCursor(next, queryKey) : '' };
}
