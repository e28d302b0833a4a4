import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { composeSchemaErrors, DOT_ENV, interpolate, readComposeFile, repositoryRoot, serviceOf, variablesOf, type ComposeFile } from './compose-file.ts';
import { configLoaderOf, configShapeOf, PLANNED_SERVICES, READY_SERVICES, startCommandOf, startFileExists } from './ready-services.ts';

const dotEnv = DOT_ENV;
const INFRASTRUCTURE = ['postgres', 'rabbitmq', 'redis', 'migrate'];
const DEMO_ONLY = ['fakes'];
/**
 * Settings compose fixes for every service rather than passing on from .env: the container decides where it listens,
 * the broker and Redis belong to this compose project alone, and stop_grace_period bounds the shutdown.
 */
const FIXED_BY_COMPOSE = ['PORT', 'HOST', 'AMQP_NAMESPACE', 'REDIS_PREFIX', 'SHUTDOWN_TIMEOUT_MS'];

function composeWith(env: Record<string, string> = {}): ComposeFile {
  return interpolate(readComposeFile(), { ...dotEnv, ...env }) as ComposeFile;
}

/** The host address of a `HOST:PUBLISHED:TARGET` port entry. */
function hostOf(port: string): string {
  return port.split(':')[0] ?? '';
}

describe('docker-compose.yml', () => {
  test('when read as compose reads it (anchors merged, .env interpolated), then it is valid against the compose-spec schema', () => {
    // Act
    const errors = composeSchemaErrors(composeWith());

    // Assert
    expect(errors.map((error) => `${error.instancePath} ${error.message}`)).toEqual([]);
  });

  test('when a service is broken (an unknown key, a number where a duration belongs), then the schema check names where', () => {
    // Arrange
    const broken = composeWith();
    Object.assign(serviceOf(broken, 'etl'), { port: ['5002:5002'] });
    Object.assign(serviceOf(broken, 'mapper').healthcheck ?? {}, { interval: 10 });

    // Act
    const errors = composeSchemaErrors(broken).map((error) => `${error.instancePath} ${error.message}`);

    // Assert
    expect(errors).toContain('/services/etl must NOT have additional properties');
    expect(errors).toContain('/services/mapper/healthcheck/interval must be string');
  });

  test('when a secret is missing from .env, then compose refuses to start and names every missing one', () => {
    // Act
    const start = () => interpolate(readComposeFile(), {});

    // Assert
    expect(start).toThrow(/POSTGRES_PASSWORD: set POSTGRES_PASSWORD in .env\n\s+RABBITMQ_PASSWORD: .*\n\s+REDIS_PASSWORD: .*\n\s+POSTGRES_SUPERUSER_PASSWORD: /);
  });

  test.each(READY_SERVICES)('when $key is ready, then compose runs it with its start command, port $port on loopback, a /readyz healthcheck and its dependencies', ({ key, port }) => {
    // Act
    const service = serviceOf(composeWith(), key);

    // Assert
    expect(startFileExists(key), `services/${key}/src/start.ts does not exist`).toBe(true);
    expect(service.command).toEqual(startCommandOf(key));
    expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(service.healthcheck).toMatchObject({ interval: expect.any(String), retries: expect.any(Number) });
    expect(service.depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      postgres: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(service.restart).toBe('unless-stopped');
    expect(service.profiles).toBeUndefined();
  });

  test.each(READY_SERVICES)('when compose starts $key, then its environment passes the production check and lets .env set every setting it reads', async ({ key }) => {
    // Arrange
    const environment = composeWith().services[key]?.environment ?? {};
    const loadServiceConfig = await configLoaderOf(key);
    const settings = Object.keys(await configShapeOf(key)).filter((setting) => !FIXED_BY_COMPOSE.includes(setting));

    // Act
    const load = () => loadServiceConfig(environment);

    // Assert
    expect(environment.NODE_ENV).toBe('production');
    expect(load).not.toThrow();
    expect(settings.filter((setting) => !(setting in environment))).toEqual([]);
  });

  test('when no BIND_ADDRESS is set, then every published port listens on 127.0.0.1 only; BIND_ADDRESS opts the services in, never the broker\'s admin UI', () => {
    // Act
    const published = (file: ComposeFile) => Object.entries(file.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => [name, hostOf(port)]));
    const byDefault = published(composeWith());
    const optedIn = published(composeWith({ BIND_ADDRESS: '0.0.0.0' }));

    // Assert
    expect(byDefault.length).toBe(READY_SERVICES.length + 1);
    expect(byDefault.filter(([, host]) => host !== '127.0.0.1')).toEqual([]);
    expect(optedIn.filter(([, host]) => host === '0.0.0.0').map(([name]) => name).sort()).toEqual(READY_SERVICES.map(({ key }) => key).sort());
    expect(optedIn.find(([name]) => name === 'rabbitmq')).toEqual(['rabbitmq', '127.0.0.1']);
  });

  test('when a service is only planned or unknown, then compose does not run it', () => {
    // Act
    const names = Object.keys(composeWith().services);

    // Assert
    expect(names.filter((name) => PLANNED_SERVICES.some(({ key }) => key === name))).toEqual([]);
    expect(names.filter((name) => ![...INFRASTRUCTURE, ...DEMO_ONLY].includes(name) && !READY_SERVICES.some(({ key }) => key === name))).toEqual([]);
  });

  test('when the services log in to Redis, RabbitMQ and PostgreSQL, then each server demands the password they use, and none is a default account or the superuser', () => {
    // Arrange
    const { services } = composeWith();

    // Act
    const urls = READY_SERVICES.map(({ key }) => serviceOf(composeWith(), key).environment ?? {});
    const redis = serviceOf(composeWith(), 'redis');

    // Assert
    expect(redis.command).toEqual(['redis-server', '--appendonly', 'yes', '--requirepass', dotEnv.REDIS_PASSWORD]);
    expect(redis.environment?.REDISCLI_AUTH).toBe(dotEnv.REDIS_PASSWORD);
    expect(services.rabbitmq?.environment).toMatchObject({ RABBITMQ_DEFAULT_USER: 'doitcrm', RABBITMQ_DEFAULT_PASS: dotEnv.RABBITMQ_PASSWORD });
    expect(services.postgres?.environment).toMatchObject({
      POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: dotEnv.POSTGRES_SUPERUSER_PASSWORD, DOITCRM_DB_PASSWORD: dotEnv.POSTGRES_PASSWORD,
    });
    // the role itself is made by this script when the data directory is initialised (postgres-init.test.ts runs it)
    expect(services.postgres?.volumes).toContain('./infra/compose/create-doitcrm-role.sh:/docker-entrypoint-initdb.d/10-create-doitcrm-role.sh:ro');
    expect(fs.statSync(path.join(repositoryRoot, 'infra', 'compose', 'create-doitcrm-role.sh')).mode & 0o111).not.toBe(0);
    for (const env of urls) {
      expect(new URL(env.REDIS_URL ?? '').password).toBe(dotEnv.REDIS_PASSWORD);
      expect(new URL(env.AMQP_URL ?? '')).toMatchObject({ username: 'doitcrm', password: dotEnv.RABBITMQ_PASSWORD });
      expect(new URL(env.DATABASE_URL ?? '')).toMatchObject({ username: 'doitcrm', password: dotEnv.POSTGRES_PASSWORD });
    }
  });

  test('when compose starts, then the one-shot migration runs once, after PostgreSQL is healthy, on the services\' database', () => {
    // Arrange
    const file = composeWith();

    // Act
    const migrate = serviceOf(file, 'migrate');

    // Assert
    expect(migrate.command).toEqual(['node', '--import', 'tsx', 'db/src/cli.ts']);
    expect(fs.existsSync(path.join(repositoryRoot, 'db', 'src', 'cli.ts'))).toBe(true);
    expect(migrate.restart).toBe('no');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(migrate.environment?.DATABASE_URL).toBe(serviceOf(file, 'etl').environment?.DATABASE_URL);
  });

  test('when compose starts without the demo profile, then the fakes do not run and nothing points at them; with it they run outside production', () => {
    // Arrange
    const { services } = composeWith();

    // Act
    const started = Object.entries(services).filter(([, service]) => !service.profiles);
    const fakes = serviceOf(composeWith(), 'fakes');

    // Assert
    expect(fakes.profiles).toEqual(['demo']);
    expect(fakes.command).toEqual(['node', '--import', 'tsx', 'packages/fakes/src/cli.ts']);
    expect(fakes.environment?.NODE_ENV).not.toBe('production');
    expect(fakes.ports).toBeUndefined();
    expect(started.map(([name]) => name)).not.toContain('fakes');
    expect(started.filter(([, service]) => 'fakes' in (service.depends_on ?? {}))).toEqual([]);
    expect(started.filter(([, service]) => JSON.stringify(service.environment ?? {}).includes('fakes'))).toEqual([]);
  });

  test('when the etl takes an upload, then the upload folder is a volume that outlives the container', () => {
    // Act
    const etl = serviceOf(composeWith(), 'etl');

    // Assert
    expect(etl.environment?.UPLOAD_DIR).toBe('/var/lib/doitcrm/uploads');
    expect(etl.volumes).toContain('uploads:/var/lib/doitcrm/uploads');
  });

  test('when an operator copies .env.example, then it names every variable the file reads, with no value for any secret', () => {
    // Arrange
    const example = fs.readFileSync(path.join(repositoryRoot, '.env.example'), 'utf8');
    const named = new Map([...example.matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1], match[2]]));

    // Act
    const variables = variablesOf();

    // Assert
    expect([...variables.keys()].filter((name) => !named.has(name))).toEqual([]);
    expect([...variables].filter(([name, { required }]) => required && named.get(name) !== '').map(([name]) => name)).toEqual([]);
  });
});
