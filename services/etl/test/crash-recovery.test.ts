import { describe, expect, it } from 'vitest';
import { waitFor } from '@doitcrm/kit/testing';
import { manyTextRecords, writeArchive } from './archive-factory.ts';
import { lastJsonLine, runEtlCli, useCliDatabase } from './run-cli.ts';

const RECORDS = 120_000;
const cli = useCliDatabase();

async function countMessages(msgids: string[]): Promise<number> {
  const { rows } = await cli.client.query('SELECT count(*)::int AS n FROM chat.messages WHERE msgid = ANY($1)', [msgids]);
  return rows[0].n;
}

describe('etl import under failure', () => {
  it('when the CLI is killed with SIGKILL mid-import, then committed chunks stay whole and the same command completes the load', async () => {
    const records = manyTextRecords(RECORDS, 1);
    const msgids = records.map((record) => record.msgid as string);
    const file = writeArchive(records);
    const running = runEtlCli(['import', file, '--json'], cli.env);
    await waitFor('the first committed chunk', () => countMessages(msgids.slice(0, 5_000)), 60_000);

    running.kill('SIGKILL');
    await running;
    const afterCrash = await countMessages(msgids);
    const { rows: [run] } = await cli.client.query("SELECT inserted FROM chat.import_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1");
    const rerun = await runEtlCli(['import', file, '--json'], cli.env);

    expect(afterCrash).toBeLessThan(RECORDS);
    // rows and the run's counters commit together: what is visible is exactly what the run says it wrote
    expect(Number(run.inserted)).toBe(afterCrash);
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = lastJsonLine(rerun.stdout);
    expect(summary.inserted).toBe(RECORDS - afterCrash);
    expect(summary.unchanged).toBe(afterCrash);
    expect(await countMessages(msgids)).toBe(RECORDS);
  });

  it('when PostgreSQL drops the import connection mid-run, then the chunk in flight is retried and the run completes', async () => {
    const records = manyTextRecords(60_000);
    const msgids = records.map((record) => record.msgid as string);
    const file = writeArchive(records);
    const running = runEtlCli(['import', file, '--json'], cli.env);
    await waitFor('the first committed chunk', () => countMessages(msgids.slice(0, 5_000)), 60_000);

    const { rows: killed } = await cli.client.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = 'doitcrm-etl-cli'",
      [cli.database.name],
    );
    const result = await running;

    expect(killed.length).toBeGreaterThan(0);
    expect(result.code, result.stderr).toBe(0);
    expect(lastJsonLine(result.stdout).inserted).toBe(60_000);
    expect(await countMessages(msgids)).toBe(60_000);
  });
});
