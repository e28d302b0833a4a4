import type { Queryable } from '@doitcrm/kit';
import type { SealedNationalId } from '../domain/national-id.ts';

/** The encrypted number of one student, or null when none is stored. */
export async function findSealedNationalId(db: Queryable, studentId: number): Promise<SealedNationalId | null> {
  const { rows } = await db.query<SealedNationalId>(
    `SELECT key_id AS "keyId", ciphertext, lookup_hash AS hash, masked FROM crm.student_national_ids WHERE student_id = $1`, [studentId],
  );
  return rows[0] ?? null;
}

/** Plaintext numbers an earlier version left (see migration 1764000012000), for start-up to encrypt or drop. */
export async function readLegacyNationalIds(db: Queryable): Promise<Array<{ studentId: number; nationalId: string }>> {
  const { rows } = await db.query<{ studentId: number; nationalId: string }>(
    'SELECT student_id AS "studentId", national_id AS "nationalId" FROM crm.student_national_ids_legacy ORDER BY student_id FOR UPDATE',
  );
  return rows;
}

/** Stores encrypted numbers in place of the legacy plaintext ones and deletes those. */
export async function replaceLegacyNationalIds(db: Queryable, sealed: Array<{ studentId: number } & SealedNationalId>): Promise<void> {
  await db.query(
    `INSERT INTO crm.student_national_ids (student_id, key_id, ciphertext, lookup_hash, masked)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (student_id) DO NOTHING`,
    [sealed.map((s) => s.studentId), sealed.map((s) => s.keyId), sealed.map((s) => s.ciphertext), sealed.map((s) => s.hash), sealed.map((s) => s.masked)],
  );
  await db.query('DELETE FROM crm.student_national_ids_legacy WHERE student_id = ANY($1::int[])', [sealed.map((s) => s.studentId)]);
}

export interface PurgeCounts {
  /** encrypted numbers deleted */
  stored: number;
  /** plaintext numbers an earlier version left */
  legacy: number;
  /** previews (not committed yet) whose numbers were dropped */
  previews: number;
}

/**
 * Every stored ID number, its hash and masked form, wherever the roster keeps one: the encrypted table, the legacy
 * plaintext, and previews not committed yet. The undo log's entries for them go too (they hold keys and row hashes,
 * no numbers, but undo would otherwise find those rows gone and refuse).
 */
export async function purgeNationalIds(db: Queryable): Promise<PurgeCounts> {
  const stored = (await db.query('DELETE FROM crm.student_national_ids')).rowCount ?? 0;
  const legacy = (await db.query('DELETE FROM crm.student_national_ids_legacy')).rowCount ?? 0;
  await db.query("DELETE FROM crm.roster_import_changes WHERE table_name = 'student_national_ids'");
  const previews = (await db.query(
    `UPDATE crm.roster_imports i SET draft = jsonb_set(i.draft, '{students}', (
        SELECT jsonb_agg((s - 'sealedNationalId') || '{"nationalId": null}'::jsonb ORDER BY ord)
        FROM jsonb_array_elements(i.draft->'students') WITH ORDINALITY AS x (s, ord)))
     WHERE i.status = 'previewed' AND jsonb_typeof(i.draft->'students') = 'array'
       AND EXISTS (SELECT 1 FROM jsonb_array_elements(i.draft->'students') s
                   WHERE jsonb_typeof(s->'sealedNationalId') = 'object' OR s->>'nationalId' IS NOT NULL)`,
  )).rowCount ?? 0;
  return { stored, legacy, previews };
}
