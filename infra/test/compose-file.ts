import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The secrets an operator puts in .env (see .env.example), as the tests fill them in. */
export const DOT_ENV = {
  POSTGRES_PASSWORD: 'pg-0a1b2c3d', POSTGRES_SUPERUSER_PASSWORD: 'pgsu-2a3b4c5d', RABBITMQ_PASSWORD: 'mq-4e5f6a7b', REDIS_PASSWORD: 'redis-8c9d0e1f',
};

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  profiles?: string[];
  restart?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** One service of the file; a missing one fails with its name rather than on `undefined` later. */
export function serviceOf(file: ComposeFile, name: string): ComposeService {
  const service = file.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}": add it like the others`);
  return service;
}

/** The YAML as compose reads it: anchors and `<<` merge keys resolved, `${…}` not yet interpolated. */
export function readComposeFile(file = path.join(repositoryRoot, 'docker-compose.yml')): unknown {
  return parse(fs.readFileSync(file, 'utf8'), { merge: true });
}

/**
 * Compose's interpolation (https://docs.docker.com/reference/compose-file/interpolation/): `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `$VAR` and `$$` for a literal `$`. Every
 * missing required variable is reported at once, with compose's own error text.
 */
export function interpolate<T>(value: T, env: Record<string, string | undefined>): T {
  const missing = new Set<string>();
  const expand = (text: string) => text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name: string | undefined, colon: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const key = name ?? bare ?? '';
      const given = env[key];
      const set = colon ? given !== undefined && given !== '' : given !== undefined;
      if (operator === '-') return set ? given! : argument!;
      if (operator === '?') {
        if (!set) missing.add(`${key}: ${argument}`);
        return given ?? '';
      }
      if (operator === '+') return set ? argument! : '';
      return given ?? '';
    },
  );
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return expand(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  const result = walk(value) as T;
  if (missing.size > 0) throw new Error(`required variables are missing:\n  ${[...missing].join('\n  ')}`);
  return result;
}

/**
 * The compose-spec JSON schema as dclint ships it (its schemas/compose.schema.json follows the compose-spec
 * repository's schema/compose-spec.json), so the check runs with `npm test` alone, without a Docker engine.
 */
export function composeSchemaErrors(document: unknown): ErrorObject[] {
  const dclint = path.dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
  const { $schema: _draft, ...schema } = JSON.parse(fs.readFileSync(path.join(dclint, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // it names draft-07 by an https URL Ajv does not know; draft-07 is what Ajv validates by default anyway
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validate(document) ? [] : [...(validate.errors ?? [])];
}

/** Every variable the file reads from `.env`, with whether compose refuses to start without it. */
export function variablesOf(file = path.join(repositoryRoot, 'docker-compose.yml')): Map<string, { required: boolean }> {
  const variables = new Map<string, { required: boolean }>();
  for (const match of fs.readFileSync(file, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?/g)) {
    const [, name = '', operator = ''] = match;
    variables.set(name, { required: operator.endsWith('?') || Boolean(variables.get(name)?.required) });
  }
  return variables;
}
