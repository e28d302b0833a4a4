import type { Page } from './wecom-types.ts';

/**
 * Every item of a cursor-paged WeCom list, page by page: `fetchPage("")` first, then each `nextCursor` until
 * WeCom answers "". A cursor that repeats would loop forever against a broken server, so it stops the walk.
 */
export async function* allPages<T>(fetchPage: (cursor: string) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor = '';
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (!page.nextCursor) return;
    if (seen.has(page.nextCursor)) throw new Error(`WeCom returned the cursor ${page.nextCursor} twice; stopping the walk`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
