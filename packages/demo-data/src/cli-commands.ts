import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { generateSchool } from './school.ts';
import { writeArchiveFile } from './archive-file.ts';
import { loadSchool } from './load-school.ts';
import { CSV_ENCODINGS, encodeCsv, enrolmentCsv, rosterCsv, type CsvEncoding } from './csv.ts';

export const USAGE = `Usage: npm run demo -- <command> [flags]

Commands:
  archive --messages N --out FILE [--seed S] [--faults F] [--months M] [--end ISO-DATE]
      Write a synthetic chat archive as JSONL (gzip if FILE ends in .gz). History ends now unless --end is given.
  load-school [--seed S]
      Load the demo school into the crm tables of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/doitcrm).
      Does nothing if the school is already there.
  roster-csv [--out FILE] [--seed S] [--encoding utf8|utf8-bom|gbk]
      Matrix roster CSV (classes as columns); stdout without --out. UTF-8 unless --encoding says otherwise.
  enrolment-csv [--out FILE] [--seed S] [--encoding utf8|utf8-bom|gbk]
      Flat enrolment CSV; stdout without --out.
`;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const FLAGS = {
  messages: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  faults: { type: 'string' },
  months: { type: 'string' },
  end: { type: 'string' },
  encoding: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  archive: ['messages', 'out', 'seed', 'faults', 'months', 'end'],
  'load-school': ['seed'],
  'roster-csv': ['out', 'seed', 'encoding'],
  'enrolment-csv': ['out', 'seed', 'encoding'],
};

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/_/g, ''));
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function fraction(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${flag} must be a fraction from 0 to 1 (e.g. 0.001), got "${raw}"`);
  return n;
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function runDemoCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    const command = positionals[0];
    if (values.help || !command) {
      io.stdout.write(USAGE);
      return command || values.help ? 0 : 2;
    }
    const allowed = ALLOWED[command];
    if (!allowed) throw new UsageError(`unknown command "${command}"`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    for (const flag of Object.keys(values)) {
      if (flag !== 'help' && !allowed.includes(flag)) throw new UsageError(`flag --${flag} does not apply to ${command}`);
    }
    const seed = integer('seed', values.seed, 0, 2 ** 31 - 1);

    if (command === 'archive') return await archive(values, seed, io);
    if (command === 'load-school') return await loadSchoolCommand(seed, io);
    const school = generateSchool(seed === undefined ? {} : { seed });
    const csv = command === 'roster-csv' ? rosterCsv(school) : enrolmentCsv(school);
    const encoding = (values.encoding ?? 'utf8') as CsvEncoding;
    if (!CSV_ENCODINGS.includes(encoding)) throw new UsageError(`--encoding must be one of ${CSV_ENCODINGS.join(', ')}, got "${values.encoding}"`);
    if (values.out) {
      await writeFile(values.out, encodeCsv(csv, encoding));
      io.stderr.write(`wrote ${values.out} (${csv.split('\r\n').length - 2} data rows)\n`);
    } else io.stdout.write(encodeCsv(csv, encoding));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n\nRun "npm run demo -- --help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

async function archive(values: Record<string, string | boolean | undefined>, seed: number | undefined, io: CliIo): Promise<number> {
  const messages = integer('messages', values.messages as string | undefined, 0, 1_000_000_000);
  if (messages === undefined) throw new UsageError('--messages is required (how many messages to generate)');
  const out = values.out as string | undefined;
  if (!out) throw new UsageError('--out is required (the file to write; .gz for gzip)');
  const faults = fraction('faults', values.faults as string | undefined);
  const months = integer('months', values.months as string | undefined, 1, 120);
  let endAt = new Date();
  if (values.end !== undefined) {
    endAt = new Date(values.end as string);
    if (Number.isNaN(endAt.getTime())) throw new UsageError(`--end must be a date such as 2026-01-01T00:00:00+08:00, got "${values.end}"`);
  }

  const bar = io.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'generating |{bar}| {percentage}% | {value}/{total} messages | {mb} MB | ETA {eta_formatted}', stream: io.stderr }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(messages, 0, { mb: 0 });
  let result;
  try {
    result = await writeArchiveFile(out, {
      messages, endAt, ...(seed === undefined ? {} : { seed }), ...(faults === undefined ? {} : { faults }), ...(months === undefined ? {} : { months }),
      onProgress: (p) => bar?.update(p.messages, { mb: Math.round(p.bytes / 1048576) }),
    });
  } finally {
    bar?.stop();
  }
  const faultCount = Object.values(result.faults).reduce((a, b) => a + b, 0);
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  io.stdout.write(
    `wrote ${result.path}${result.gzip ? ' (gzip)' : ''}: ${result.lines} lines — ${result.messages} messages, ${result.recalls} recalls, ` +
      `${result.switches} switches, ${faultCount} broken lines (${Object.entries(result.faults).map(([k, v]) => `${k} ${v}`).join(', ')})\n` +
      `history ${iso(result.minMsgtime)} … ${iso(result.maxMsgtime)}; ${(result.bytes / 1048576).toFixed(1)} MB JSONL, ` +
      `${(result.fileBytes / 1048576).toFixed(1)} MB on disk; ${(result.durationMs / 1000).toFixed(1)} s ` +
      `(${Math.round(result.lines / Math.max(0.001, result.durationMs / 1000))} lines/s)\n`,
  );
  return 0;
}

async function loadSchoolCommand(seed: number | undefined, io: CliIo): Promise<number> {
  const url = io.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm';
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const school = generateSchool(seed === undefined ? {} : { seed });
    const { loaded } = await loadSchool(pool, school);
    io.stdout.write(
      loaded
        ? `loaded the demo school (seed ${school.seed}): ${school.classes.length} classes, ${school.staff.length} staff, ` +
            `${school.students.length} students, ${school.parents.length} parents\n`
        : `the demo school (seed ${school.seed}) is already loaded; nothing written\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}
