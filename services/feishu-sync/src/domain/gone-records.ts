import { isFeishuError, type FeishuClient, type TableRef } from '@doitcrm/feishu';

/**
 * Writes batches of records a run touched, leaving out those gone from Feishu (deleted by hand, or the fake
 * restarted). Feishu refuses a whole batch when one id is gone (1254043) without saying which, so the first refusal
 * reads the table's ids once (one search page per 500 records, one field each) and later batches are filtered by
 * that read. A record deleted after the read is refused again and read again; a record we created never comes back.
 */
export function goneRecordFilter(client: FeishuClient, table: TableRef, anyField: string) {
  let present: Set<string> | null = null;
  const read = async () => {
    const records = await client.searchAll(table, { field_names: [anyField] });
    present = new Set(records.map((r) => r.recordId));
  };
  return async function writeExisting(ids: readonly string[], write: (ids: string[]) => Promise<unknown>): Promise<{ written: string[]; gone: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const left = present ? ids.filter((id) => present!.has(id)) : [...ids];
      try {
        if (left.length > 0) await write(left);
        return { written: left, gone: ids.filter((id) => !left.includes(id)) };
      } catch (error) {
        if (!isFeishuError(error) || error.kind !== 'not_found' || attempt === 3) throw error;
        await read();
      }
    }
  };
}
