import type { MappingChange, RoomMapping } from './api-types.ts';
import { createDraftStore, fieldMatcher } from './draft-store.ts';
import { saveMapping } from './mapper-api.ts';

export interface RoomEdits {
  businessName: string;
}

export const roomFieldOf = fieldMatcher(['businessName'] as const);

/** Unsaved group names; the class link is not a draft, it is applied when chosen (as staff expect from the original). */
export function createRoomDrafts() {
  return createDraftStore<RoomMapping, RoomEdits, MappingChange>({
    saved: (row) => row.businessName ?? '',
    same: (_field, edited, saved) => edited.trim() === saved.trim(),
    toChange: (_row, dirty) => ({ businessName: dirty.businessName?.trim() || null }),
    save: (originalId, change) => saveMapping('room_id', originalId, change),
  });
}

export type RoomDrafts = ReturnType<typeof createRoomDrafts>;
