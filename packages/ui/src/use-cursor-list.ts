import { ref, type Ref } from 'vue';

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
  async function reload(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(null);
      items.value = page.items;
      nextCursor.value = page.nextCursor;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null) return;
    loadingMore.value = true;
    error.value = null;
    try {
      const page = await fetchPage(nextCursor.value);
      const known = new Set(items.value.map((item) => item.id));
      items.value = [...items.value, ...page.items.filter((item) => !known.has(item.id))];
      nextCursor.value = page.nextCursor;
    } catch (caught) {
      error.value = caught;
    } finally {
      loadingMore.value = false;
    }
  }

  return { items, nextCursor, loading, loadingMore, error, reload, loadMore };
}
