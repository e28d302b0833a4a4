import { ValidationError } from '@doitcrm/kit';
import type { Suggestion, SuggestionKind } from '../../contract.ts';

const KIND_ORDER: Readonly<Record<SuggestionKind, number>> = { role: 0, student: 1, class: 2 };

/** Two decimals: confidences compare exactly after a round trip through a cursor. */
export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/** Where a page ended: the sort key of its last item. */
interface CursorKey {
  confidence: number;
  originalId: string;
  kind: SuggestionKind;
}

/**
 * Best first: confidence descending, then originalId, then kind (one id can get a role and a student suggestion).
 * (originalId, kind) is unique in the list, so the order is total and a cursor names one position.
 */
function compareKeys(a: CursorKey, b: CursorKey): number {
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.originalId !== b.originalId) return a.originalId < b.originalId ? -1 : 1;
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

export function rankSuggestions(items: Suggestion[]): Suggestion[] {
  return [...items].sort(compareKeys);
}

export function encodeCursor(item: Suggestion): string {
  return Buffer.from(JSON.stringify([item.confidence, item.originalId, item.kind]), 'utf8').toString('base64url');
}

/** A cursor is opaque to clients; anything that is not one of ours is a 400 naming `cursor`. */
export function decodeCursor(cursor: string): CursorKey {
  const invalid = () => new ValidationError('参数无效: cursor', [{ field: 'cursor', message: 'not a cursor returned by this endpoint' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [confidence, originalId, kind] = parsed as unknown[];
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || typeof originalId !== 'string'
    || typeof kind !== 'string' || !Object.hasOwn(KIND_ORDER, kind)) throw invalid();
  return { confidence, originalId, kind: kind as SuggestionKind };
}

/** Keyset paging over the ranked list: a page starts right after the cursor's key, so it survives list changes. */
export function pageOf(ranked: Suggestion[], options: { limit: number; cursor: CursorKey | null }): { items: Suggestion[]; nextCursor: string | null } {
  const after = options.cursor;
  const start = after ? ranked.findIndex((item) => compareKeys(item, after) > 0) : 0;
  if (start < 0) return { items: [], nextCursor: null };
  const items = ranked.slice(start, start + options.limit);
  const more = start + options.limit < ranked.length;
  return { items, nextCursor: more && items.length > 0 ? encodeCursor(items[items.length - 1]!) : null };
}
