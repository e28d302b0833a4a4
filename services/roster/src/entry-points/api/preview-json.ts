import { toIso, ENCODING_LABELS, type DetectedEncoding } from '@doitcrm/kit';
import type { ImportPreview, ImportSummary } from '../../contract.ts';
import type { ImportSummaryRecord } from '../../data-access/import-repository.ts';
import type { PreviewResult } from '../../domain/preview-import.ts';
import type { CommitReport } from '../../domain/commit-import.ts';

export function importJson(record: ImportSummaryRecord): ImportSummary {
  return {
    id: record.id, kind: record.kind, fileName: record.fileName, fileSize: record.fileSize, encoding: record.encoding,
    encodingLabel: ENCODING_LABELS[record.encoding as DetectedEncoding] ?? record.encoding, status: record.status,
    createdAt: toIso(record.createdAt)!, createdByName: record.createdByName, committedAt: toIso(record.committedAt),
    committedByName: record.committedByName, undoneAt: toIso(record.undoneAt), undoneByName: record.undoneByName,
    report: record.report as CommitReport | null,
  };
}

export function previewJson(preview: PreviewResult): ImportPreview {
  return {
    import: importJson(preview.record),
    classes: preview.draft.classes ?? [],
    // the masked form only: neither the ciphertext nor its hash leaves the server
    students: (preview.draft.students ?? []).map(({ sealedNationalId, ...s }) => ({ ...s, nationalId: sealedNationalId?.masked ?? null })),
    ignoredCells: preview.draft.ignoredCells ?? 0,
    diff: preview.diff,
    token: preview.token,
    previouslyCommitted: preview.previouslyCommitted
      ? { id: preview.previouslyCommitted.id, committedAt: toIso(preview.previouslyCommitted.committedAt)! } : null,
  };
}
