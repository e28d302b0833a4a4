import { describe, expect, it } from 'vitest';
import { buildMsgid, buildTextRecord, manyTextRecords, writeArchive } from './archive-factory.ts';
import { lastJsonLine, runEtlCli, useCliDatabase } from './run-cli.ts';

const cli = useCliDatabase();

async function importFile(filePath: string, ...flags: string[]) {
  const result = await runEtlCli(['import', filePath, '--json', ...flags], cli.env);
  expect(result.code, result.stderr).toBe(0);
  return lastJsonLine(result.stdout);
}

describe('etl import CLI', () => {
  it('when a file has bad lines, then they are quarantined with their line numbers and every good line loads', async () => {
    const good = manyTextRecords(3);
    const file = writeArchive([good[0]!, 'this is not json', good[1]!, JSON.stringify({ action: 'send', msgtype: 'text' }), '', good[2]!]);

    const summary = await importFile(file);

    expect(summary).toMatchObject({ lines: 5, inserted: 3, quarantined: 2, unchanged: 0 });
    const { rows: quarantined } = await cli.client.query('SELECT line_no, reason, raw_text FROM chat.quarantine WHERE run_id = $1 ORDER BY line_no', [summary.runId]);
    expect(quarantined.map((row) => Number(row.line_no))).toEqual([2, 4]);
    expect(quarantined[0].reason).toMatch(/not valid JSON/);
    expect(quarantined[0].raw_text).toBe('this is not json');
    expect(quarantined[1].reason).toMatch(/msgid/);
    const { rows } = await cli.client.query('SELECT count(*)::int AS n FROM chat.messages WHERE msgid = ANY($1)', [good.map((record) => record.msgid)]);
    expect(rows[0].n).toBe(3);
  });

  it('when the same file is imported again, then nothing is inserted and every line counts as unchanged', async () => {
    const file = writeArchive(manyTextRecords(50));
    await importFile(file);

    const again = await importFile(file);

    expect(again).toMatchObject({ lines: 50, inserted: 0, updated: 0, unchanged: 50, quarantined: 0 });
  });

  it('when content changed, then skip keeps the stored row and update rewrites it, counting updated apart from unchanged', async () => {
    const kept = buildTextRecord();
    const changed = buildTextRecord();
    await importFile(writeArchive([kept, changed]));
    const edited = { ...changed, text: { content: '更正后的内容' } };
    const file = writeArchive([kept, edited]);

    const skipped = await importFile(file, '--conflict', 'skip');
    const updated = await importFile(file, '--conflict', 'update');

    expect(skipped).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect(updated).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const { rows } = await cli.client.query("SELECT payload->>'content' AS content FROM chat.messages WHERE msgid = $1", [changed.msgid]);
    expect(rows[0].content).toBe('更正后的内容');
  });

  it('when a recall arrives after its message, then the message is marked recalled by it', async () => {
    const original = buildTextRecord();
    const revoke = buildTextRecord({ action: 'recall', msgtype: 'revoke', text: undefined, revoke: { pre_msgid: original.msgid } });

    await importFile(writeArchive([original]));
    await importFile(writeArchive([revoke]));

    const { rows } = await cli.client.query('SELECT recalled_by FROM chat.messages WHERE msgid = $1', [original.msgid]);
    expect(rows[0].recalled_by).toBe(revoke.msgid);
  });

  it('when a recall arrives before its message (earlier file or earlier line), then the message is still marked', async () => {
    const laterFile = buildTextRecord();
    const laterFileRevoke = buildTextRecord({ action: 'recall', msgtype: 'revoke', text: undefined, revoke: { pre_msgid: laterFile.msgid } });
    const sameFile = buildTextRecord();
    const sameFileRevoke = buildTextRecord({ action: 'recall', msgtype: 'revoke', text: undefined, revoke: { pre_msgid: sameFile.msgid } });

    await importFile(writeArchive([laterFileRevoke, sameFileRevoke, sameFile]));
    await importFile(writeArchive([laterFile]));

    const { rows } = await cli.client.query('SELECT msgid, recalled_by FROM chat.messages WHERE msgid = ANY($1)', [[laterFile.msgid, sameFile.msgid]]);
    const recalledBy = Object.fromEntries(rows.map((row) => [row.msgid, row.recalled_by]));
    expect(recalledBy).toEqual({ [laterFile.msgid as string]: laterFileRevoke.msgid, [sameFile.msgid as string]: sameFileRevoke.msgid });
  });

  it('when a file repeats a msgid, then one row is stored and the repeats are counted as duplicates', async () => {
    const first = buildTextRecord();
    const repeat = { ...first, text: { content: '第二次出现' } };

    const summary = await importFile(writeArchive([first, repeat, first]));

    expect(summary).toMatchObject({ lines: 3, inserted: 1, duplicatesInFile: 2 });
    const { rows } = await cli.client.query("SELECT payload->>'content' AS content FROM chat.messages WHERE msgid = $1", [first.msgid]);
    expect(rows[0].content).toBe((first.text as { content: string }).content);
  });

  it('when switch records, numeric-string times, string tolists and control characters come in, then all load', async () => {
    const switchRecord = { msgid: buildMsgid(), action: 'switch', time: 1704100003000, user: 'TestTeacher2' };
    const stringTime = buildTextRecord({ msgtime: '1704100000000', tolist: 'wmA,wmB', roomid: '' });
    const controlChars = `{"msgid":"${buildMsgid()}","action":"send","from":"wmA","tolist":["t"],"roomid":"wrR","msgtime":1704100000123,"msgtype":"text","text":{"content":"制表\t响铃\u0007这里"}}`;

    const summary = await importFile(writeArchive([switchRecord, stringTime, controlChars]));

    expect(summary).toMatchObject({ lines: 3, inserted: 3, quarantined: 0 });
    const { rows } = await cli.client.query('SELECT msgtype, room_id, to_ids, msgtime FROM chat.messages WHERE msgid = ANY($1) ORDER BY msgtype', [[switchRecord.msgid, stringTime.msgid]]);
    expect(rows[0]).toMatchObject({ msgtype: 'switch', room_id: null, to_ids: [] });
    expect(rows[1]).toMatchObject({ msgtype: 'text', room_id: null, to_ids: ['wmA', 'wmB'] });
    expect((rows[1].msgtime as Date).getTime()).toBe(1704100000000);
  });

  it('when the file is gzip-compressed and labelled, then it is read the same way and listed under its label', async () => {
    const summary = await importFile(writeArchive(manyTextRecords(20), 'archive.jsonl.gz'), '--label', '十一月导出.jsonl.gz');

    expect(summary).toMatchObject({ lines: 20, inserted: 20 });
    const { rows } = await cli.client.query('SELECT source FROM chat.import_runs WHERE id = $1', [summary.runId]);
    expect(rows[0].source).toBe('十一月导出.jsonl.gz');
  });

  it('when the broker is unreachable, then the import still succeeds and chat.ingested waits in the outbox', async () => {
    const summary = await importFile(writeArchive(manyTextRecords(2)));

    const { rows } = await cli.client.query("SELECT envelope FROM ops.outbox WHERE published_at IS NULL AND envelope->'payload'->>'runId' = $1", [String(summary.runId)]);
    expect(rows).toHaveLength(1);
    expect(rows[0].envelope).toMatchObject({ type: 'chat.ingested', payload: { runId: summary.runId, inserted: 2, updated: 0 } });
  });

  it('when the file does not exist, then it exits 1 naming the file; a bad flag exits 2 naming the flag', async () => {
    const missing = await runEtlCli(['import', '/nonexistent/archive.jsonl'], cli.env);
    const badFlag = await runEtlCli(['import', 'x.jsonl', '--conflict', 'merge'], cli.env);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/nonexistent/archive.jsonl');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--conflict');
  });
});
