import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot } from './compose-file.ts';

export const unitDirectory = path.join(repositoryRoot, 'infra', 'systemd');

/** A unit file as systemd reads it: per section, every value of each key in order (Environment= may repeat). */
export type Unit = Record<string, Record<string, string[]>>;

export function readUnit(name: string, directory = unitDirectory): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | undefined;
  for (const line of fs.readFileSync(path.join(directory, name), 'utf8').split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      section = unit[header[1]] ??= {};
      continue;
    }
    const separator = line.indexOf('=');
    if (!section || separator < 0) throw new Error(`${name}: "${line}" is neither a section header nor Key=value`);
    const key = line.slice(0, separator).trim();
    (section[key] ??= []).push(line.slice(separator + 1).trim());
  }
  return unit;
}

/** The one value of `key` in `section` (the test fails on a missing or repeated one). */
export function valueOf(unit: Unit, section: string, key: string): string {
  const values = unit[section]?.[key] ?? [];
  if (values.length !== 1) throw new Error(`[${section}] ${key}= has ${values.length} values, expected one`);
  return values[0] ?? '';
}

/** Space-separated unit lists (Wants=, After=, …) of every line of `key`. */
export function listOf(unit: Unit, section: string, key: string): string[] {
  return (unit[section]?.[key] ?? []).flatMap((value) => value.split(/\s+/)).filter(Boolean);
}

export function systemdAnalyzeMissing(): string | undefined {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  return probe.error ? 'systemd-analyze is not installed (apt-get install systemd): the unit files were not verified' : undefined;
}

/**
 * `systemd-analyze verify` on copies of the unit files, with the template instantiated as `instances`; returns its
 * exit status and everything it printed (it exits 0 on a misspelt key and only warns, so callers check the output).
 */
export function verifyUnits(files: Record<string, string>, instances: string[]): { status: number | null; output: string } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-units-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(directory, name), text);
    const units = [...Object.keys(files).filter((name) => !name.endsWith('@.service')), ...instances].map((name) => path.join(directory, name));
    const result = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** The unit files of the repository, by name. */
export function unitFiles(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(unitDirectory)
    .filter((name) => /\.(service|target)$/.test(name))
    .map((name) => [name, fs.readFileSync(path.join(unitDirectory, name), 'utf8')]));
}
