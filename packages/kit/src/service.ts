import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createAuth } from './auth/index.ts';
import { Broker } from './broker.ts';
import type { BaseConfig } from './config.ts';
import { createPool, pingDatabase, type Pool } from './db.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { OutboxRelay } from './outbox.ts';
import { createRedis, pingRedis, type Redis } from './redis.ts';
import { ShutdownRegistry } from './shutdown.ts';
import { createJobRoutes, JobReporter, type JobRoutes } from './jobs/index.ts';
import type { ReadinessCheck } from './http/app.ts';
import { bareDispatchOf } from './http/bare-routes.ts';

export interface ServiceContext<C extends BaseConfig = BaseConfig> {
  name: string;
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  pool: Pool;
  redis: Redis;
  broker: Broker;
  outbox: OutboxRelay;
  auth: ReturnType<typeof createAuth>;
  /** the job routes, mounted by each service for the job types it owns: `jobRoutes.routerFor(['etl.import'])` */
  jobRoutes: JobRoutes;
  readiness: ReadinessCheck[];
  shutdown: ShutdownRegistry;
  jobReporter(jobId: string): JobReporter;
}

/**
 * Connects a service to PostgreSQL, Redis and RabbitMQ with the suite's settings and registers each for a clean
 * shutdown. Tests call it too (with their own database, namespace and key prefix).
 */
export async function createServiceContext<C extends BaseConfig>(name: string, config: C, options: { logger?: Logger } = {}): Promise<ServiceContext<C>> {
  const logger = options.logger ?? createLogger({ service: name, level: config.LOG_LEVEL });
  const metrics = createServiceMetrics(name);
  const shutdown = new ShutdownRegistry(logger, config.SHUTDOWN_TIMEOUT_MS);

  const pool = createPool({ databaseUrl: config.DATABASE_URL, logger, applicationName: `doitcrm-${name}` });
  shutdown.add('postgres', () => pool.end());
  const redis = createRedis({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_PREFIX, logger });
  shutdown.add('redis', async () => { await redis.quit().catch(() => redis.disconnect()); });
  const broker = await Broker.connect({ url: config.AMQP_URL, namespace: config.AMQP_NAMESPACE, logger, metrics });
  shutdown.add('rabbitmq', () => broker.close());
  const outbox = new OutboxRelay({ pool, broker, logger });
  shutdown.add('outbox relay', () => outbox.stop());

  const auth = createAuth({ pool, redis, logger, service: name, cookieSecure: config.COOKIE_SECURE, sessionTtlSeconds: config.SESSION_TTL_SECONDS });
  const jobRoutes = createJobRoutes({ pool, redis, redisPrefix: config.REDIS_PREFIX, logger });
  shutdown.add('job events', () => jobRoutes.close());

  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => pingDatabase(pool) },
    { name: 'redis', check: () => pingRedis(redis) },
    { name: 'rabbitmq', check: async () => { if (!broker.isConnected) throw new Error('not connected'); } },
  ];

  return {
    name, config, logger, metrics, pool, redis, broker, outbox, auth, jobRoutes, readiness, shutdown,
    jobReporter: (jobId) => new JobReporter({ pool, redis, redisPrefix: config.REDIS_PREFIX, logger }, jobId),
  };
}

/** Listens, and registers the server so shutdown stops new connections and lets in-flight requests finish. */
export async function listen(context: ServiceContext, app: Express, port: number): Promise<http.Server> {
  const bare = bareDispatchOf(app);
  const server = http.createServer(bare ? (req, res) => {
    if (!bare(req, res)) app(req, res);
  } : app);
  // slow clients must not hold sockets forever; uploads still get minutes
  server.requestTimeout = 15 * 60_000;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, context.config.HOST, () => resolve());
  });
  context.shutdown.add('http', () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // event streams never end by themselves: give them a moment, then cut them
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  }));
  const address = server.address() as AddressInfo;
  context.logger.info({ port: address.port }, `${context.name} listening`);
  return server;
}

/** Start-up wrapper: any failure to start is logged plainly and exits 1. */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const logger = createLogger({ service });
    logger.fatal({ err: error }, `${service} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

/**
 * A service's start.ts: validates its config, connects, installs the process hooks, lets `start` start the
 * service's own entry points (consumers, schedules) and build its app, then starts the outbox relay and listens.
 */
export function runService<C extends BaseConfig & { PORT: number }>(
  name: string,
  loadConfig: () => C,
  start: (context: ServiceContext<C>) => Promise<Express> | Express,
): void {
  runMain(name, async () => {
    const config = loadConfig();
    const context = await createServiceContext(name, config);
    context.shutdown.installProcessHooks();
    const app = await start(context);
    context.outbox.start();
    await listen(context, app, config.PORT);
  });
}
