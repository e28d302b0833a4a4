// The database and scratch folder of one benchmark run (never of a test): named so that a kept one can be found and
// reused, and dropped afterwards unless the run was told to keep it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from './test-database.ts';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface BenchDatabase {
  /** `doitcrm_bench_<bench>_<time>`, or the kept database `--reuse` named */
  name: string;
  /** the database on the server of DATABASE_URL */
  url: string;
  /** true when the run reuses a kept database (its data is already there) */
  reused: boolean;
  /** a scratch folder for generated files, removed by finish */
  dir: string;
  /** Imports an archive file with the ETL CLI, as production does; returns the CLI's last JSON line. */
  importArchive(file: string): string;
  /** Removes the folder, and drops the database unless `keep` or `reuse` was given (then says how to reuse it). */
  finish(): Promise<void>;
}

export function benchDatabase(bench: string, options: { reuse?: string; keep?: boolean }): BenchDatabase {
  const name = options.reuse ?? `doitcrm_bench_${bench}_${Date.now()}`;
  // a reused name must be one a run of this benchmark kept, so a typo never drops another database
  if (!new RegExp(`^doitcrm_bench_${bench}_\\d+$`).test(name)) throw new Error(`--reuse takes a database this benchmark kept, got ${name}`);
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm');
  url.pathname = `/${name}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `doitcrm-${bench}-bench-`));
  return {
    name,
    url: url.toString(),
    reused: options.reuse !== undefined,
    dir,
    importArchive(file) {
      const imported = spawnSync(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'services/etl/src/cli.ts'), 'import', file, '--json'],
        { env: { ...process.env, DATABASE_URL: url.toString(), AMQP_NAMESPACE: 'bench.' }, encoding: 'utf8' });
      if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);
      return imported.stdout.trim().split('\n').pop()!;
    },
    async finish() {
      fs.rmSync(dir, { recursive: true, force: true });
      if (!options.keep && !options.reuse) await dropDatabase(name);
      else console.log(`kept ${name} (rerun the queries with --reuse ${name})`);
    },
  };
}
