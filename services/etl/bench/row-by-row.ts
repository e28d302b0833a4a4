import fs from 'node:fs';
import readline from 'node:readline';
import type pg from 'pg';

/**
 * The original Python ETL's pattern, for comparison only: every line parsed and inserted with its own INSERT
 * (payload = record[msgtype]), all in one transaction committed at the end.
 */
export async function rowByRowImport(client: pg.Client, file: string, table: string): Promise<{ rows: number; ms: number }> {
  const started = performance.now();
  let rows = 0;
  await client.query('BEGIN');
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msgtype = typeof record.msgtype === 'string' ? record.msgtype : 'switch';
    const msgtime = Number(record.msgtime ?? record.time);
    if (!record.msgid || !Number.isFinite(msgtime)) continue;
    await client.query(
      `INSERT INTO ${table} (msgid, action, msgtype, msgtime, from_id, room_id, to_ids, payload, raw)
       VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $5, $6, $7, $8, $9) ON CONFLICT (msgid) DO NOTHING`,
      [record.msgid, record.action ?? 'send', msgtype, msgtime, record.from ?? null, record.roomid || null,
        Array.isArray(record.tolist) ? record.tolist : [], JSON.stringify(record[msgtype] ?? null), line],
    );
    rows += 1;
  }
  await client.query('COMMIT');
  return { rows, ms: performance.now() - started };
}
