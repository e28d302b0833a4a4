import type { MappingState } from './api-types.ts';
import type { RowDrafts } from './draft-store.ts';

/** The tables' row tint: unsaved edits first, else whether the id still lacks a mapping. */
export function mappingRowClass(drafts: RowDrafts, row: { originalId: string; state: MappingState }): string {
  if (drafts.isRowDirty(row.originalId)) return 'mapper-row--dirty';
  return row.state === 'unmapped' ? 'mapper-row--unmapped' : '';
}
