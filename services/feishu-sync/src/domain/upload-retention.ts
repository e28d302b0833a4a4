import { withTransaction, type Pool, type Queryable } from '@doitcrm/kit';

const DAY_MS = 86_400_000;

/**
 * Deletes uploads older than `days`: each holds every row of an export, parents' phones included. An upload a run
 * still reads (queued or running) stays. The plans of the deleted uploads' runs go too, as they copy the rows; a
 * plan is only read to resume a run that has not ended. What rollback reads is kept: the records each run created
 * (feishu.created_records) and the cells it changed as they were (feishu.changed_records) never referred to the upload.
 */
export async function applyUploadRetention(
  pool: Pool, now: Date, days: number, fence: (client: Queryable) => Promise<void> = async () => {},
): Promise<{ uploads: number; plans: number }> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return withTransaction(pool, async (client) => {
    const old = `SELECT u.id FROM feishu.uploads u WHERE u.created_at < $1
      AND NOT EXISTS (SELECT 1 FROM feishu.runs r WHERE r.upload_id = u.id AND r.state IN ('queued', 'running'))`;
    const plans = await client.query(`UPDATE feishu.runs SET plan = NULL WHERE plan IS NOT NULL AND upload_id IN (${old})`, [cutoff]);
    const uploads = await client.query(`DELETE FROM feishu.uploads WHERE id IN (${old})`, [cutoff]);
    await fence(client);
    return { uploads: uploads.rowCount ?? 0, plans: plans.rowCount ?? 0 };
  });
}
