import { z } from 'zod';
import { PRODUCTION_DEFAULTS, productionProblems } from './production-config.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A comma-separated list; each item is trimmed, checked by `parse` (an error message, or the item as kept). */
function commaList(parse: (item: string) => { ok: string } | { error: string }) {
  return z.string().transform((value, ctx) => {
    const items: string[] = [];
    for (const item of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
      const parsed = parse(item);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)}: ${parsed.error}` });
      else items.push(parsed.ok);
    }
    return items;
  });
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

// the host as a browser writes it in an Origin: lower case, IPv6 in brackets, no port
const publicHost = commaList((item) => {
  const url = parseUrl(`http://${item}/`);
  if (!url || url.hostname !== item.toLowerCase() || url.port !== '') return { error: 'not a bare host name or address (IPv6 in brackets, no port, no scheme)' };
  return { ok: url.hostname };
});

const publicOrigin = commaList((item) => {
  const url = parseUrl(item);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/$/, '').toLowerCase()) {
    return { error: 'not an origin such as https://crm.example.cn or http://10.0.0.5:8080 (scheme, host and port only)' };
  }
  return { ok: url.origin };
});

/**
 * Settings every service and command shares. Defaults exist only for local, password-less URLs of the
 * architecture note; secrets never get one.
 */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development')
    .describe('production refuses the development defaults below (passwordless superuser, guest:guest, Redis without password, insecure cookie)'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/doitcrm')
    .describe('PostgreSQL connection URL'),
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672')
    .describe('RabbitMQ connection URL'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379').describe('Redis connection URL (sessions, rate limits, job progress)'),
  AMQP_NAMESPACE: z.string().regex(/^[a-z0-9_.-]*$/).default('')
    // names read `<namespace>.etl.import` whether or not the operator wrote the dot
    .transform((namespace) => (namespace && !namespace.endsWith('.') ? `${namespace}.` : namespace))
    .describe('prefix for every exchange and queue name, so several installations (or test runs) share one broker'),
  REDIS_PREFIX: z.string().default('doitcrm:').describe('prefix of every Redis key'),
  HOST: z.string().default('0.0.0.0').describe('interface the HTTP server listens on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COOKIE_SECURE: booleanFromEnv.default(false).describe('mark the session cookie Secure and send HSTS (behind HTTPS; default true when NODE_ENV=production)'),
  PUBLIC_HOSTS: publicHost.default(['localhost', '127.0.0.1', '[::1]'])
    .describe('hosts users open the pages on, comma-separated: writes are accepted from pages at the service ports of these hosts'),
  PUBLIC_ORIGINS: publicOrigin.default([])
    .describe('further origins of our pages, comma-separated, e.g. https://crm.example.cn behind a reverse proxy'),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(300).max(7 * 24 * 3600).default(8 * 3600),
  METRICS_TOKEN: z.string().min(16).optional()
    .describe('bearer token that lets a remote Prometheus read /metrics; without it only loopback may'),
  DISPLAY_TIMEZONE: z.string().default('Asia/Shanghai'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(20_000),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置无效 (invalid configuration):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once at start-up, listing every problem at once; the result is frozen. With
 * `NODE_ENV=production` the development defaults are refused too (see production-config.ts), in the same list.
 */
export function loadConfig<Shape extends z.ZodRawShape>(shape: Shape, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<z.ZodObject<Shape>>> {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    // an empty variable means "not set", as operators expect from `FOO= npm start`
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const production = 'NODE_ENV' in shape && cleaned.NODE_ENV === 'production';
  if (production) {
    for (const [key, value] of Object.entries(PRODUCTION_DEFAULTS)) if (key in shape && cleaned[key] === undefined) cleaned[key] = value;
  }
  const result = z.object(shape).safeParse(cleaned);
  const problems = result.success ? [] : result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const described = (shape[key] as z.ZodType | undefined)?.description;
    const given = cleaned[key] === undefined ? 'missing' : `got ${JSON.stringify(redact(key, cleaned[key]))}`;
    return `${key}: ${issue.message} (${given})${described ? ` — ${described}` : ''}`;
  });
  if (production) problems.push(...productionProblems(effectiveValues(shape, cleaned), env));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

/** Each key's value as the service would use it: the given one, else its default (so an unset URL is checked too). */
function effectiveValues(shape: z.ZodRawShape, cleaned: Record<string, string>): Record<string, string | boolean | undefined> {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(cleaned[key]);
    return [key, parsed.success ? parsed.data as string | boolean | undefined : cleaned[key]];
  }));
}

function redact(key: string, value: string | undefined): string | undefined {
  if (/SECRET|TOKEN|PASSWORD|KEY/.test(key)) return '***';
  // a URL that failed validation may still carry a password (`postgres://app:s3cret@db host/x`): never echo it
  return value?.replace(/(\/\/[^/@\s:]*:)[^@\s]*@/g, '$1***@');
}

/** The port a service listens on: PORT overrides the service's own default. */
export function portShape(defaultPort: number) {
  return { PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort).describe('HTTP port') };
}

export type BaseConfig = Readonly<z.infer<z.ZodObject<typeof baseConfigShape>>>;
