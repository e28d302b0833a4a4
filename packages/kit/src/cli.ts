import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { baseConfigShape, ConfigError, loadConfig, type BaseConfig } from './config.ts';

type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface FileCommandLine<Command extends string, Options extends CliOptions> {
  command: Command;
  file: string;
  values: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: Options }>>['values'];
}

/** A mistake in how a CLI was called: the problem and the usage on stderr, exit code 2. */
export function exitWithUsage(usage: string, problem: string): never {
  console.error(`${problem}\n\n${usage}`);
  process.exit(2);
}

/**
 * The services' CLIs take `COMMAND FILE [--option …]`: -h/--help prints the usage and exits 0, anything else
 * that does not fit exits through exitWithUsage. The options' own values are left to the caller to check.
 */
export function parseFileCommandLine<Command extends string, Options extends CliOptions>(
  usage: string,
  commands: readonly Command[],
  options: Options,
  argv: string[] = process.argv.slice(2),
): FileCommandLine<Command, Options> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    exitWithUsage(usage, (error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (!commands.includes(command as Command)) {
    exitWithUsage(usage, command ? `unknown command "${command}"` : `missing command "${commands.join('|')}"`);
  }
  if (!file) exitWithUsage(usage, 'missing FILE');
  if (extra.length > 0) exitWithUsage(usage, `unexpected argument "${extra[0]}"`);
  return { command: command as Command, file, values: parsed.values as FileCommandLine<Command, Options>['values'] };
}

/**
 * The base config for a CLI (or the shape given, for a CLI that reads settings of its own); when it is invalid,
 * every problem is printed and the result is undefined (exit 1).
 */
export function loadCliConfig(): BaseConfig | undefined;
export function loadCliConfig<Shape extends z.ZodRawShape>(shape: Shape): Readonly<z.infer<z.ZodObject<Shape>>> | undefined;
export function loadCliConfig(shape: z.ZodRawShape = baseConfigShape): unknown {
  try {
    return loadConfig(shape);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return undefined;
    }
    throw error;
  }
}
