import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@doitcrm/kit/testing';
import type { ImportResult } from '../src/contract.ts';

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type ImportJson = ImportResult;

/** Runs `npm run etl -- …` the way an operator does, as a child process, against the given database. */
export function runEtlCli(args: string[], env: Record<string, string>): Promise<CliResult> & { pid?: number; kill(signal: NodeJS.Signals): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return Object.assign(done, { pid: child.pid, kill: (signal: NodeJS.Signals) => { child.kill(signal); } });
}

export function lastJsonLine(stdout: string): ImportJson {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as ImportJson;
}

export interface CliDatabase {
  database: TestDatabase;
  client: pg.Client;
  /** environment for the CLI: this database, and no reachable broker (events wait in the outbox) */
  env: Record<string, string>;
}

/** A database of the test file's own for CLI runs, opened before its tests and dropped after them. */
export function useCliDatabase(): CliDatabase {
  const state = {} as CliDatabase;
  beforeAll(async () => {
    state.database = await createTestDatabase();
    state.client = new pg.Client({ connectionString: state.database.url });
    await state.client.connect();
    state.env = { DATABASE_URL: state.database.url, AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' };
  });
  afterAll(async () => {
    await state.client?.end();
    await state.database?.drop();
  });
  return state;
}
