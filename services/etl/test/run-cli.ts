import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ImportJson {
  runId: number;
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicatesInFile: number;
  durationMs: number;
}

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
