import { shallowRef, ref, watch, type Ref } from 'vue';
import type { IdType, MappingFilter, RoomMapping, UserMapping } from './api-types.ts';
import { fetchMappings } from './mapper-api.ts';

export type RowOf<T extends IdType> = T extends 'user_id' ? UserMapping : RoomMapping;

/**
 * One tab's rows, paged by the server with a cursor ("加载更多"). A new filter reloads from the first page and
 * cancels the request still running, so a slow old answer can never replace a newer one.
 */
export function useMappingList<T extends IdType>(idType: T, filter: Ref<MappingFilter>, onRows: (rows: RowOf<T>[]) => void) {
  const rows = shallowRef<RowOf<T>[]>([]);
  const total = ref<number | null>(null);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const error = ref<unknown>(null);
  let controller: AbortController | null = null;

  async function load(cursor: string | null): Promise<void> {
    controller?.abort();
    const own = new AbortController();
    controller = own;
    (cursor ? loadingMore : loading).value = true;
    error.value = null;
    try {
      const page = await fetchMappings(idType, filter.value, cursor, own.signal);
      const items = page.items as RowOf<T>[];
      onRows(items);
      if (cursor) {
        const known = new Set(rows.value.map((row) => row.originalId));
        rows.value = [...rows.value, ...items.filter((row) => !known.has(row.originalId))];
      } else {
        rows.value = items;
      }
      total.value = page.total;
      nextCursor.value = page.nextCursor;
    } catch (caught) {
      if (!(caught instanceof DOMException && caught.name === 'AbortError')) error.value = caught;
    } finally {
      if (controller === own) {
        controller = null;
        loading.value = false;
        loadingMore.value = false;
      }
    }
  }

  /** Puts a saved row in place of the listed one (its state badge and counts come from the server). */
  function replace(row: RowOf<T>): void {
    rows.value = rows.value.map((item) => (item.originalId === row.originalId ? row : item));
  }

  function update(originalId: string, patch: (row: RowOf<T>) => RowOf<T>): void {
    rows.value = rows.value.map((item) => (item.originalId === originalId ? patch(item) : item));
  }

  watch(filter, () => void load(null), { deep: true });

  return {
    rows, total, nextCursor, loading, loadingMore, error, replace, update,
    reload: () => load(null),
    loadMore: () => (nextCursor.value ? load(nextCursor.value) : Promise.resolve()),
  };
}
