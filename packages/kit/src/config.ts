import { z } from 'zod';
import { PRODUCTION_DEFAULTS, productionProblems } from './production-config.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

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
  COOKIE_SECURE: booleanFromEnv.default(false).describe('mark the session cookie Secure (behind HTTPS; default true when NODE_ENV=production)'),
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
