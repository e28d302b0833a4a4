import { ApiError, errorMessage } from '@doitcrm/ui';
import { computed, reactive } from 'vue';

/** Where a message about a row goes: one of its editable fields, or the row as a whole. */
export type ErrorsOf<Edits> = Partial<Record<keyof Edits | 'row', string>>;

/** What a row's 保存 / 撤销 and its tint read of a tab's drafts (users and rooms alike). */
export interface RowDrafts {
  isRowDirty(originalId: string): boolean;
  saving: Set<string>;
  errorsOf(originalId: string): ErrorsOf<object>;
}

export interface DraftStoreOptions<Row extends { originalId: string }, Edits extends object, Change> {
  /** the saved value of a field, in the shape the editor uses */
  saved<K extends keyof Edits>(row: Row, field: K): Edits[K];
  /** whether an edited value equals the saved one (then the field is not sent) */
  same<K extends keyof Edits>(field: K, edited: Edits[K], saved: Edits[K]): boolean;
  /** the request body for the fields that differ */
  toChange(row: Row, dirty: Partial<Edits>): Change;
  save(originalId: string, change: Change): Promise<Row>;
}

/**
 * Unsaved edits of a tab's rows, kept per id apart from the rows themselves: reloading, filtering or paging never
 * loses them, and only the fields the user changed are sent (the original page wiped notes on every save).
 */
export function createDraftStore<Row extends { originalId: string }, Edits extends object, Change>(
  options: DraftStoreOptions<Row, Edits, Change>,
) {
  const rows = reactive(new Map<string, Row>()) as Map<string, Row>;
  const edits = reactive(new Map<string, Partial<Edits>>()) as Map<string, Partial<Edits>>;
  const errors = reactive(new Map<string, ErrorsOf<Edits>>()) as Map<string, ErrorsOf<Edits>>;
  const saving = reactive(new Set<string>());

  function value<K extends keyof Edits>(row: Row, field: K): Edits[K] {
    const edited = edits.get(row.originalId);
    return edited && field in edited ? (edited[field] as Edits[K]) : options.saved(row, field);
  }

  function edit<K extends keyof Edits>(row: Row, field: K, next: Edits[K]): void {
    const edited = edits.get(row.originalId) ?? ({} as Partial<Edits>);
    edited[field] = next;
    edits.set(row.originalId, edited);
    rows.set(row.originalId, row);
    const rowErrors = errors.get(row.originalId);
    if (rowErrors) {
      delete rowErrors[field];
      delete rowErrors.row;
    }
  }

  /** The edited fields that differ from what is saved now (the server may have caught up meanwhile). */
  function dirty(originalId: string): Partial<Edits> {
    const row = rows.get(originalId);
    const edited = edits.get(originalId);
    const out: Partial<Edits> = {};
    if (!row || !edited) return out;
    for (const field of Object.keys(edited) as Array<keyof Edits>) {
      const next = edited[field] as Edits[keyof Edits];
      if (!options.same(field, next, options.saved(row, field))) out[field] = next;
    }
    return out;
  }

  const dirtyIds = computed(() => [...edits.keys()].filter((id) => Object.keys(dirty(id)).length > 0));
  // Re-evaluated on every keystroke, but a computed string only notifies when it differs: the tables read row-level
  // dirtiness through it, so typing in one row does not re-render every row.
  const dirtySignature = computed(() => JSON.stringify(dirtyIds.value));
  const dirtyRows = computed(() => new Set<string>(JSON.parse(dirtySignature.value) as string[]));
  const dirtyCount = computed(() => dirtyRows.value.size);

  /** Whether one field differs from what is saved; follows every keystroke (for the field's own highlight). */
  function isDirty(originalId: string, field: keyof Edits): boolean {
    return field in dirty(originalId);
  }

  /** Whether the row has unsaved changes; changes only when that answer changes (for row tints and buttons). */
  function isRowDirty(originalId: string): boolean {
    return dirtyRows.value.has(originalId);
  }

  /** A (re)loaded row: edits stay, compared from now on with what the server says now. */
  function observe(row: Row): void {
    if (edits.has(row.originalId)) rows.set(row.originalId, row);
  }

  function discard(originalId: string): void {
    edits.delete(originalId);
    errors.delete(originalId);
    rows.delete(originalId);
  }

  function discardAll(): void {
    for (const id of [...edits.keys()]) discard(id);
  }

  /** Saves one row's changed fields; resolves with the saved row, or null when it failed (errors shown at fields). */
  async function save(originalId: string, fieldOf: (detailField: string | undefined) => keyof Edits | 'row'): Promise<Row | null> {
    const row = rows.get(originalId);
    const fields = dirty(originalId);
    if (!row || Object.keys(fields).length === 0) return null;
    saving.add(originalId);
    errors.delete(originalId);
    const sent = JSON.stringify(fields);
    try {
      const saved = await options.save(originalId, options.toChange(row, fields));
      // typing went on while the request was out: keep those edits, now compared with the saved row
      if (JSON.stringify(dirty(originalId)) === sent) discard(originalId);
      else rows.set(originalId, saved);
      return saved;
    } catch (error) {
      errors.set(originalId, errorsFrom(error, fieldOf));
      return null;
    } finally {
      saving.delete(originalId);
    }
  }

  function errorsFrom(error: unknown, fieldOf: (detailField: string | undefined) => keyof Edits | 'row'): ErrorsOf<Edits> {
    const out: ErrorsOf<Edits> = {};
    const details = error instanceof ApiError ? error.details : [];
    for (const detail of details) {
      const field = fieldOf(detail.field);
      out[field] = out[field] ? `${out[field]}；${detail.message}` : detail.message;
    }
    // a validation failure is said at its fields; anything else (conflict, no permission, server down) at the row
    const atFields = error instanceof ApiError && error.status === 400 && details.length > 0;
    if (!atFields) out.row = errorMessage(error);
    return out;
  }

  return {
    value, edit, dirty, isDirty, isRowDirty, observe, discard, discardAll, save, dirtyIds, dirtyCount, saving,
    errorsOf: (originalId: string): ErrorsOf<Edits> => errors.get(originalId) ?? {},
  };
}

export type DraftStore<Row extends { originalId: string }, Edits extends object, Change> = ReturnType<
  typeof createDraftStore<Row, Edits, Change>
>;

/** Picks the editable field a server detail names ("students", "students[0].studentId", "body.notes"). */
export function fieldMatcher<F extends string>(fields: readonly F[]) {
  return (detailField: string | undefined): F | 'row' => {
    if (!detailField) return 'row';
    const segments = detailField.split(/[.[\]/]/);
    return fields.find((field) => segments.includes(field)) ?? 'row';
  };
}
