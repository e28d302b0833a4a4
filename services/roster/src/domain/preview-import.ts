import { createHash } from 'node:crypto';
import { ValidationError, auditAs, recordAudit, withTransaction, type Actor, type Pool, type Queryable, ENCODING_LABELS, type DetectedEncoding } from '@doitcrm/kit';
import { discardStalePreviews, findImport, findImportSummary, insertImport, lastCommitOfFile, type ImportRecord } from '../data-access/import-repository.ts';
import { readSettings } from '../data-access/settings-repository.ts';
import { loadSnapshot } from '../data-access/snapshot-repository.ts';
import { snapshotScope } from './snapshot.ts';
import { diffRoster, diffToken } from './diff-roster.ts';
import type { RosterDiff } from './diff-types.ts';
import { warning, type ImportKind, type RosterDraft } from './draft.ts';
import { NATIONAL_ID_KEY_VARIABLE, looksLikeNationalId, type NationalIdCipher } from './national-id.ts';
import { parseRosterFile } from './parse-roster-file.ts';

export interface PreviewResult {
  record: Omit<ImportRecord, 'draft'>;
  encodingLabel: string;
  draft: RosterDraft;
  diff: RosterDiff;
  token: string;
  previouslyCommitted: { id: number; committedAt: Date } | null;
}

/**
 * Upload → parsed draft kept server-side → diff against the database. Nothing in the roster is written. ID numbers
 * reach the stored draft only encrypted, and only while storing is on (read under a share lock, so turning it off
 * waits for this draft and then purges it).
 */
export async function previewUpload(
  pool: Pool, upload: { bytes: Buffer; fileName: string; kind?: ImportKind }, actor: Actor, cipher: NationalIdCipher | null,
): Promise<PreviewResult> {
  const parsed = parseRosterFile(upload.bytes, upload.fileName, upload.kind);
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
  await discardStalePreviews(pool);
  const { id, draft } = await withTransaction(pool, async (client) => {
    const settings = await readSettings(client, { forShare: true });
    const draft = settings.storeNationalId ? sealNationalIds(parsed.draft, cipher) : withoutNationalIds(parsed.draft);
    const id = await insertImport(client, {
      kind: draft.kind, fileName: upload.fileName, fileSize: upload.bytes.length, fileSha256: sha256, encoding: parsed.encoding, draft,
      createdBy: actor.userId,
    });
    await recordAudit(client, auditAs(actor, { service: 'roster', action: 'roster.import.preview', targetType: 'roster_import', targetId: id, details: { file: upload.fileName, kind: draft.kind } }));
    return { id, draft };
  });
  const diff = diffRoster(draft, await loadSnapshot(pool, snapshotScope(draft, { warnings: true })));
  return {
    record: (await findImportSummary(pool, id))!,
    encodingLabel: ENCODING_LABELS[parsed.encoding],
    draft,
    diff,
    token: diffToken(diff),
    previouslyCommitted: await lastCommitOfFile(pool, sha256),
  };
}

export async function loadPreview(db: Queryable, id: number): Promise<PreviewResult | null> {
  const record = await findImport(db, id);
  if (!record) return null;
  const { draft, ...summary } = record;
  // only a preview has a draft to compare; committed and discarded imports keep just their report
  const diff = record.status === 'previewed' ? diffRoster(draft, await loadSnapshot(db, snapshotScope(draft, { warnings: true }))) : emptyDiff(draft);
  return {
    record: summary,
    encodingLabel: ENCODING_LABELS[record.encoding as DetectedEncoding] ?? record.encoding,
    draft,
    diff,
    token: diffToken(diff),
    previouslyCommitted: record.status === 'previewed' ? await lastCommitOfFile(db, record.fileSha256) : null,
  };
}

function emptyDiff(draft: RosterDraft): RosterDiff {
  const none = { new: 0, changed: 0, unchanged: 0, unmatched: 0 };
  return { classes: [], students: [], absent: [], warnings: draft.warnings ?? [], summary: { classes: none, students: none, absent: 0 } };
}

/**
 * Storing on: each number is encrypted before the draft is stored; the plaintext is not kept. A value that is not an
 * ID number's shape (another column's data, a typo) is not stored; the warning names its row, never the value.
 */
function sealNationalIds(draft: RosterDraft, cipher: NationalIdCipher | null): RosterDraft {
  if (!draft.students.some((s) => s.nationalId !== null)) return draft;
  if (!cipher) {
    // start-up refuses this state; a CLI run without the key meets it
    throw new ValidationError(`保存儿童身份证号已开启，但未设置 ${NATIONAL_ID_KEY_VARIABLE}，无法加密文件中的身份证号`,
      [{ field: '学员身份证号码', message: `${NATIONAL_ID_KEY_VARIABLE} is not set` }]);
  }
  const malformedRows = new Set<number>();
  const students = draft.students.map((s) => {
    if (s.nationalId === null) return { ...s, sealedNationalId: null };
    if (!looksLikeNationalId(s.nationalId)) {
      malformedRows.add(s.ref.row);
      return { ...s, nationalId: null, sealedNationalId: null };
    }
    return { ...s, nationalId: null, sealedNationalId: cipher.seal(s.nationalId) };
  });
  const warnings = [...malformedRows].map((row) => warning(`第 ${row} 行学员身份证号码不是 18 位（或旧版 15 位）身份证号，未保存`, { row, field: '学员身份证号码' }));
  return { ...draft, students, warnings: [...draft.warnings, ...warnings] };
}

/** Children's ID numbers are not kept unless an admin turned that on; they never reach the stored draft. */
function withoutNationalIds(draft: RosterDraft): RosterDraft {
  const dropped = draft.students.filter((s) => s.nationalId !== null).length;
  if (dropped === 0) return draft;
  return {
    ...draft,
    students: draft.students.map((s) => ({ ...s, nationalId: null })),
    warnings: [...draft.warnings, warning(`文件中有 ${dropped} 个学员身份证号，按设置不保存（设置 → 保存儿童身份证号）`, { field: '学员身份证号码' })],
  };
}
