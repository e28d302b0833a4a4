/**
 * What `NODE_ENV=production` refuses: the development defaults of the base config, which are fine on a developer's
 * box and an open door on a school's server. Each problem names the setting and what to put there instead.
 */

/** Defaults that differ in production: the session cookie is Secure unless the operator says otherwise. */
export const PRODUCTION_DEFAULTS: Readonly<Record<string, string>> = { COOKIE_SECURE: 'true' };

type Value = string | boolean | undefined;
type Rule = (value: Value, env: NodeJS.ProcessEnv) => string[];

const RULES: Record<string, Rule> = {
  DATABASE_URL: databaseProblems,
  AMQP_URL: brokerProblems,
  REDIS_URL: redisProblems,
  COOKIE_SECURE: (value) => (value === false
    ? ['COOKIE_SECURE: false sends the session cookie over plain HTTP; serve the pages over HTTPS (nginx or Caddy in front) and remove COOKIE_SECURE (true in production) or set it to true']
    : []),
};

/**
 * Every production problem of the settings in `values` (the value each key will have, defaults included), listed
 * at once. Only keys the config shape has are checked, so a command that uses no broker is not told about one.
 */
export function productionProblems(values: Readonly<Record<string, Value>>, env: NodeJS.ProcessEnv): string[] {
  return Object.entries(RULES).flatMap(([key, rule]) => (key in values ? rule(values[key], env) : []));
}

function parsed(value: Value): URL | undefined {
  try {
    return typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
}

function databaseProblems(value: Value, env: NodeJS.ProcessEnv): string[] {
  const url = parsed(value);
  if (!url) return [];
  const problems: string[] = [];
  const user = decodeURIComponent(url.username);
  if (user === '' || user === 'postgres') {
    problems.push(`DATABASE_URL: connects as ${user ? 'the PostgreSQL superuser "postgres"' : 'no named role (the operating-system user)'}; `
      + 'give DoitCRM a role of its own that owns its database (CREATE ROLE doitcrm LOGIN PASSWORD …; CREATE DATABASE doitcrm OWNER doitcrm) '
      + 'and use it: postgres://doitcrm:PASSWORD@host:5432/doitcrm');
  }
  // peer authentication over the Unix socket needs no password and is the safer choice on one host (libpq's `host=/dir`)
  const overSocket = (url.searchParams.get('host') ?? '').startsWith('/');
  if (url.password === '' && !env.PGPASSWORD && !overSocket) {
    problems.push('DATABASE_URL: connects without a password; set one for the role and put it in the URL '
      + '(postgres://doitcrm:PASSWORD@host:5432/doitcrm), or connect over the Unix socket with peer authentication (?host=/var/run/postgresql)');
  }
  return problems;
}

function brokerProblems(value: Value): string[] {
  const url = parsed(value);
  if (!url) return [];
  // amqplib logs in as guest:guest when the URL names no user
  const user = decodeURIComponent(url.username) || 'guest';
  const password = decodeURIComponent(url.password) || 'guest';
  if (user !== 'guest' && password !== 'guest' && url.password !== '') return [];
  const what = user === 'guest' ? 'RabbitMQ\'s guest account' : `the user "${user}" ${url.password === '' ? 'without a password' : 'with the password "guest"'}`;
  return [`AMQP_URL: logs in with ${what}; create a user of its own (rabbitmqctl add_user doitcrm PASSWORD; `
    + 'rabbitmqctl set_permissions -p / doitcrm ".*" ".*" ".*"), delete guest, and use it: amqp://doitcrm:PASSWORD@host:5672'];
}

function redisProblems(value: Value): string[] {
  const url = parsed(value);
  if (!url || url.password !== '') return [];
  return ['REDIS_URL: Redis without a password holds every session; set requirepass in redis.conf '
    + '(or start redis-server --requirepass PASSWORD) and put it in the URL: redis://:PASSWORD@host:6379'];
}
