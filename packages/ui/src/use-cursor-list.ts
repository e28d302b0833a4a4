import { ref, type Ref } from 'vue';
import { runTracked } from './use-loader.ts';

/** One page of a list the server pages with a cursor: the items, and the cursor of the next page (null at the end). */
export interface CursorPage<T, C> {
  items: T[];
  nextCursor: C | null;
}

/**
 * A list shown newest first with "加载更多": `reload` fetches the first page again, `loadMore` appends the next one.
 * Both leave the last failure in `error` for an `ApiErrorAlert`.
 */
export function useCursorList<T extends { id: unknown }, C>(fetchPage: (cursor: C | null) => Promise<CursorPage<T, C>>) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const nextCursor = ref<C | null>(null) as Ref<C | null>;
  const loading = ref(false);
  const loadingMore = ref(false);
  const error = ref<unknown>(null);

  /** Reloads the newest page; pages loaded with "加载更多" are dropped, because rows may have shifted meanwhile. */
  const reload = () => runTracked(loading, error, async () => {
    const page = await fetchPage(null);
    items.value = page.items;
    nextCursor.value = page.nextCursor;
  });

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (cursor === null) return;
    await runTracked(loadingMore, error, async () => {
      const page = await fetchPage(cursor);
      const known = new Set(items.value.map((item) => item.id));
      items.value = [...items.value, ...page.items.filter((item) => !known.has(item.id))];
      nextCursor.value = page.nextCursor;
    });
  }

  return { items, nextCursor, loading, loadingMore, error, reload, loadMore };
}
