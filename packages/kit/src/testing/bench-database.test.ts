import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { benchDatabase } from './bench-database.ts';
import { dropDatabase, withAdmin } from './test-database.ts';
import { sleep } from './wait-for.ts';

const exists = (name: string) => withAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

describe('benchDatabase', () => {
  test('when a benchmark starts without --reuse, then it gets a new database named for it and a scratch folder', async () => {
    const bench = benchDatabase('kittest', {});
    try {
      expect(bench.name).toMatch(/^doitcrm_bench_kittest_\d+$/);
      expect(new URL(bench.url).pathname).toBe(`/${bench.name}`);
      expect(bench.reused).toBe(false);
      expect(fs.existsSync(bench.dir)).toBe(true);
    } finally {
      await bench.finish();
    }
  });

  test('when --reuse names a database another benchmark kept, then it is refused before anything is touched', () => {
    expect(() => benchDatabase('kittest', { reuse: 'doitcrm_bench_mapper_1' })).toThrow('--reuse takes a database this benchmark kept, got doitcrm_bench_mapper_1');
    expect(() => benchDatabase('kittest', { reuse: 'doitcrm' })).toThrow(/--reuse/);
  });

  test('when the run finishes, then the folder goes, and the database too unless it was kept', async () => {
    const dropped = benchDatabase('kittest', {});
    // names carry the time in milliseconds: the second one a little later
    await sleep(5);
    const kept = benchDatabase('kittest', { keep: true });
    for (const bench of [dropped, kept]) await withAdmin((admin) => admin.query(`CREATE DATABASE "${bench.name}"`));
    try {
      await dropped.finish();
      await kept.finish();

      expect(fs.existsSync(dropped.dir)).toBe(false);
      expect(fs.existsSync(kept.dir)).toBe(false);
      expect(await exists(dropped.name)).toBe(false);
      expect(await exists(kept.name)).toBe(true);
      const reused = benchDatabase('kittest', { reuse: kept.name });
      expect(reused.reused).toBe(true);
      await reused.finish();
      expect(await exists(kept.name)).toBe(true);
    } finally {
      await dropDatabase(kept.name);
    }
  });

  test('when the ETL CLI cannot import the file, then importArchive fails with what the CLI said', () => {
    const bench = benchDatabase('kittest', {});
    try {
      expect(() => bench.importArchive(`${bench.dir}/missing.jsonl`)).toThrow(/^import failed: /);
    } finally {
      fs.rmSync(bench.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
