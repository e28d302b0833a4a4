import { useMediaQuery } from '@doitcrm/ui';
import { computed, type Ref } from 'vue';
import type { IdType, MappingFilter } from './api-types.ts';
import { useDraftSaving, type SavableDrafts } from './use-draft-saving.ts';
import { useMappingList, type RowOf } from './use-mapping-list.ts';

interface TabDrafts<Row, Edits> extends SavableDrafts<Row, Edits> {
  observe(row: Row): void;
  dirtyCount: { value: number };
}

/**
 * What the users and groups tabs share: the rows of the filter with their drafts and saves, and what
 * `MappingListFrame` shows around them (`v-bind="frame"`, its events included).
 */
export function useMappingTab<T extends IdType, Edits>(
  idType: T,
  filter: Ref<MappingFilter>,
  drafts: TabDrafts<RowOf<T>, Edits>,
  fieldOf: (field: string | undefined) => keyof Edits | 'row',
  unit: string,
  onChanged: () => void,
) {
  const phone = useMediaQuery('(max-width: 768px)');
  const list = useMappingList(idType, filter, (rows) => rows.forEach(drafts.observe));
  const { savingAll, saveOne, saveAll, discardAll } = useDraftSaving(drafts, fieldOf, (row) => {
    list.replace(row);
    onChanged();
  }, unit);

  const frame = computed(() => ({
    total: list.total.value,
    shown: list.rows.value.length,
    error: list.error.value,
    loading: list.loading.value,
    phone: phone.value,
    hasMore: list.nextCursor.value !== null,
    loadingMore: list.loadingMore.value,
    unsaved: drafts.dirtyCount.value,
    savingAll: savingAll.value,
    onLoadMore: list.loadMore,
    onSaveAll: saveAll,
    onDiscardAll: discardAll,
  }));

  return { list, frame, saveOne };
}
