// Whether a kept benchmark database can be reused: only a build that finished (its marker row is written last), of
// the size asked for.

/** What the marker row of a finished build says. */
export interface DatasetMarker { messages: number }

/**
 * build: no such database yet; reuse: a finished build of this size (or of any size, when `messages` is null: --reuse);
 * rebuild: a build that died half-way; mismatch: a finished build of another size; missing: --reuse named a database
 * that is absent or unfinished (never dropped: the name was given, not derived).
 */
export type DatasetDecision = 'build' | 'reuse' | 'rebuild' | 'mismatch' | 'missing';

export function decideDataset(state: { exists: boolean; marker: DatasetMarker | null; messages: number | null }): DatasetDecision {
  if (state.messages === null) return state.marker ? 'reuse' : 'missing';
  if (!state.exists) return 'build';
  if (!state.marker) return 'rebuild';
  return state.marker.messages === state.messages ? 'reuse' : 'mismatch';
}
