import type { Queryable } from '../db.ts';

const TRIGGER = 'test_audit_log_refuses_rows';

/**
 * Runs `work` while auth.audit_log refuses every new row, as a full disk, a lost grant or a broken partition would.
 * A trigger does it because the services connect as the database owner, whom a REVOKE does not bind. Only for a
 * test file's own database (the trigger is on the table, for every connection); removed again even when work throws.
 */
export async function whileAuditLogRefusesRows<T>(db: Queryable, work: () => Promise<T>): Promise<T> {
  await db.query(`CREATE OR REPLACE FUNCTION auth.${TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log refuses rows (test outage)'; END $$`);
  await db.query(`CREATE OR REPLACE TRIGGER ${TRIGGER} BEFORE INSERT ON auth.audit_log FOR EACH ROW EXECUTE FUNCTION auth.${TRIGGER}()`);
  try {
    return await work();
  } finally {
    await db.query(`DROP TRIGGER IF EXISTS ${TRIGGER} ON auth.audit_log`);
    await db.query(`DROP FUNCTION IF EXISTS auth.${TRIGGER}()`);
  }
}
