import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli-commands.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-data-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runDemoCli(argv, { stdout, stderr, env: {} });
  return { code, stdout: out, stderr: err };
}

describe('demo CLI', () => {
  it('when archive is run with valid flags, then it writes the file and prints a summary', async () => {
    // Arrange
    const out = join(dir, 'a.jsonl');

    // Act
    const result = await run('archive', '--messages', '500', '--out', out, '--seed', '4', '--faults', '0.01', '--months', '12', '--end', '2025-06-01T00:00:00+08:00');

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/500 messages/);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(500);
  });

  it.each([
    [['archive', '--messages', 'abc', '--out', 'x'], /--messages/],
    [['archive', '--messages', '10'], /--out/],
    [['archive', '--out', 'x'], /--messages is required/],
    [['archive', '--messages', '10', '--out', 'x', '--faults', '1.5'], /--faults/],
    [['archive', '--messages', '10', '--out', 'x', '--months', '0'], /--months/],
    [['archive', '--messages', '10', '--out', 'x', '--end', 'someday'], /--end/],
    [['archive', '--messages', '10', '--out', 'x', '--colour'], /--colour/],
    [['load-school', '--out', 'x'], /--out does not apply to load-school/],
    [['load-school', '--seed', '-3'], /--seed/],
    [['bake'], /unknown command "bake"/],
  ])('when run with %j, then it exits 2 and names the problem', async (argv, message) => {
    // Act
    const result = await run(...argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('when run with --help, then it prints the usage', async () => {
    // Act
    const result = await run('--help');

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/archive --messages N --out FILE/);
  });

  it('when roster-csv is run without --out, then the CSV goes to stdout', async () => {
    // Act
    const result = await run('roster-csv');

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout.split('\r\n')[1]).toMatch(/^主教老师,/);
  });
});
