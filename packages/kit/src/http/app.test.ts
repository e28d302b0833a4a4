import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import supertest from 'supertest';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ConflictError, UnauthorizedError } from '../errors.ts';
import { captureLogger } from '../kit-test-helpers.ts';
import { createServiceMetrics } from '../metrics.ts';
import { createApp, type AppOptions, type ReadinessCheck } from './app.ts';
import { readBareBody, type BareRoute } from './bare-routes.ts';
import { metricsHandler } from './metrics-routes.ts';
import { parseBody, parseQuery } from './validate.ts';

const SIGNED_IN = 'Bearer signed-in-session';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const openApiDocument = { openapi: '3.0.3', info: { title: '测试服务', version: '1.0.0' }, paths: {} };

/** Stands in for the auth module: a request is signed in when it carries the one known bearer token. */
const requireUser: RequestHandler = (req, _res, next) => {
  next(req.get('authorization') === SIGNED_IN ? undefined : new UnauthorizedError());
};

function serviceRoutes(): Router {
  const api = Router();
  api.get('/students', (req, res) => {
    const query = parseQuery(z.object({ limit: z.coerce.number().int().min(1).max(100) }), req);
    res.json({ items: [], limit: query.limit });
  });
  api.post('/notes', (req, res) => {
    res.status(201).json(parseBody(z.object({ text: z.string().min(1) }), req));
  });
  api.get('/crash', async () => {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (user app, password hunter2)');
  });
  api.get('/duplicate', () => {
    throw new ConflictError('学员已存在', [{ field: 'name', message: '同名学员已登记' }]);
  });
  return api;
}

function buildApp(overrides: Partial<AppOptions> = {}) {
  const { logger, lines } = captureLogger();
  const app = createApp({
    service: 'kit-test',
    logger,
    metrics: createServiceMetrics('kit-test'),
    auth: { router: Router(), requireUser },
    readiness: [],
    api: serviceRoutes(),
    jsonLimit: '1kb',
    openApiDocument,
    ownOrigins: { PUBLIC_HOSTS: ['localhost', '127.0.0.1'], PUBLIC_ORIGINS: [] },
    ...overrides,
  });
  return { app, lines };
}

const passing = (name: string): ReadinessCheck => ({ name, check: async () => {} });

describe('createApp: health, readiness and metrics', () => {
  test('when /healthz is asked without a session, then it answers 200 while /api asks for a login', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const health = await supertest(app).get('/healthz');
    const api = await supertest(app).get('/api/students?limit=5');

    // Assert
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', service: 'kit-test' });
    expect(api.status).toBe(401);
  });

  test('when every readiness check passes, then /readyz answers 200 listing them', async () => {
    // Arrange
    const { app } = buildApp({ readiness: [passing('postgres'), passing('rabbitmq')] });

    // Act
    const response = await supertest(app).get('/readyz');

    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', service: 'kit-test', checks: [{ name: 'postgres', ok: true }, { name: 'rabbitmq', ok: true }] });
  });

  test('when one readiness check throws, then /readyz answers 503 naming it and why', async () => {
    // Arrange
    const broken: ReadinessCheck = { name: 'rabbitmq', check: async () => { throw new Error('not connected'); } };
    const { app } = buildApp({ readiness: [passing('postgres'), broken, passing('redis')] });

    // Act
    const response = await supertest(app).get('/readyz');

    // Assert
    expect(response.status).toBe(503);
    expect(response.body.status).toBe('not ready');
    expect(response.body.checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'rabbitmq', ok: false, error: 'not connected' },
      { name: 'redis', ok: true },
    ]);
  });

  test('when a remote client asks /readyz while a dependency is down, then it gets 503 and the status, but not which one failed nor why', async () => {
    // Arrange: the request reaches the app through a local reverse proxy on behalf of 10.0.0.5
    const broken: ReadinessCheck = { name: 'postgres', check: async () => { throw new Error('connect ECONNREFUSED 10.1.2.3:5432'); } };
    const { app } = buildApp({ readiness: [broken, passing('redis')] });

    // Act
    const response = await supertest(app).get('/readyz').set('X-Forwarded-For', '10.0.0.5');

    // Assert
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'not ready', service: 'kit-test' });
    expect(response.text).not.toContain('ECONNREFUSED');
    expect(response.text).not.toContain('postgres');
  });

  test('when /metrics is scraped from loopback, then it answers 200 with the Prometheus text', async () => {
    // Arrange
    const { app } = buildApp({ metricsToken: METRICS_TOKEN });
    await supertest(app).get('/healthz');

    // Act
    const response = await supertest(app).get('/metrics');

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(/http_request_duration_seconds_count\{.*route="\/healthz".*\} 1/);
  });

  test.each([
    ['without a token', 403, undefined],
    ['with a wrong token', 403, 'Bearer metrics-token-wrong-wrong-wrong'],
    ['with the token', 200, `Bearer ${METRICS_TOKEN}`],
  ])('when /metrics is asked through a local reverse proxy for a remote client %s, then it answers %i', async (_case, status, authorization) => {
    // Arrange: the request reaches the app from loopback (the proxy) on behalf of 10.0.0.5
    const { app } = buildApp({ metricsToken: METRICS_TOKEN });
    const request = supertest(app).get('/metrics').set('X-Forwarded-For', '10.0.0.5');
    if (authorization) request.set('Authorization', authorization);

    // Act
    const response = await request;

    // Assert
    expect(response.status).toBe(status);
  });

  test('when a client connects straight from another host without the token, then the metrics handler answers 403', async () => {
    // Arrange: what Express hands the handler for a socket from 10.0.0.5 (no proxy involved)
    const handler = metricsHandler(createServiceMetrics('kit-test'), METRICS_TOKEN);
    const req = { ip: '10.0.0.5', socket: { remoteAddress: '10.0.0.5' }, get: () => undefined } as unknown as Request;
    const sent = { status: 200, body: '' };
    const res = {
      status(code: number) { sent.status = code; return this; },
      type() { return this; },
      send(body: string) { sent.body = body; return this; },
    } as unknown as Response;

    // Act
    await handler(req, res, () => {});

    // Assert
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('METRICS_TOKEN');
  });

  test('when a page is served, then helmet\'s headers are set and Express does not announce itself', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const response = await supertest(app).get('/healthz');

    // Assert
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("object-src 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  test('when cookies are secure (served over HTTPS), then browsers are told to keep to HTTPS for a year', async () => {
    // Arrange
    const { app } = buildApp({ cookieSecure: true });

    // Act
    const response = await supertest(app).get('/healthz');

    // Assert
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});

describe('createApp: errors as JSON', () => {
  test('when an unknown /api route is called, then 404 JSON names it', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const response = await supertest(app).get('/api/no-such-thing').set('Authorization', SIGNED_IN);

    // Assert
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ id: response.headers['x-request-id'], name: 'NotFoundError', message: '没有这个接口: GET /api/no-such-thing' });
  });

  test('when a handler throws a plain Error, then 500 JSON says only "服务器内部错误" and the cause goes to the log', async () => {
    // Arrange
    const { app, lines } = buildApp();

    // Act
    const response = await supertest(app).get('/api/crash').set('Authorization', SIGNED_IN);

    // Assert
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ id: response.headers['x-request-id'], name: 'AppError', message: '服务器内部错误' });
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('ECONNREFUSED');
    const logged = lines.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, requestId: response.headers['x-request-id'], err: { message: expect.stringContaining('ECONNREFUSED') } });
  });

  test('when a handler throws an AppError subclass, then its status, message and details are kept', async () => {
    // Arrange
    const { app, lines } = buildApp();

    // Act
    const response = await supertest(app).get('/api/duplicate').set('Authorization', SIGNED_IN);

    // Assert
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      id: expect.any(String), name: 'ConflictError', message: '学员已存在', details: [{ field: 'name', message: '同名学员已登记' }],
    });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  test('when a body is larger than the JSON limit, then 413 JSON answers', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const response = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN).send({ text: '长'.repeat(2_000) });

    // Assert
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ id: expect.any(String), name: 'PayloadTooLargeError', message: '请求体过大' });
  });

  test('when a route has its own larger JSON limit, then a body past the default is taken there, one past its own is refused naming it, and nothing signed out is read', async () => {
    // Arrange
    const { app } = buildApp({ jsonLimits: { '/notes': '4kb' } });
    const body = { text: '长'.repeat(1_000) };

    // Act
    const taken = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN).send(body);
    const tooLarge = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN).send({ text: '长'.repeat(2_000) });
    const signedOut = await supertest(app).post('/api/notes').send({ text: '长'.repeat(2_000) });

    // Assert
    expect(taken.status).toBe(201);
    expect(taken.body).toEqual(body);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ name: 'PayloadTooLargeError', message: '请求体过大：此接口上限 4kb', details: [{ field: 'body', message: 'limit 4kb' }] });
    // refused at the login check, before the 6 kB body was parsed
    expect(signedOut.status).toBe(401);
  });

  test('when a public router is given, then its route answers without a session with its own body limit, and the rest of /api still asks for a login', async () => {
    // Arrange
    const hooks = Router();
    hooks.post('/hooks/push', express.json({ limit: '8kb' }), (req, res) => {
      res.json({ got: (req.body as { n: number }).n });
    });
    const { app } = buildApp({ publicApi: hooks });

    // Act
    const pushed = await supertest(app).post('/api/hooks/push').send({ n: 7, pad: 'x'.repeat(4_000) });
    const other = await supertest(app).post('/api/notes').send({ text: 'x' });

    // Assert: the 4 kB body passes the public route's 8 kB limit although the service's default is 1 kB
    expect(pushed.status).toBe(200);
    expect(pushed.body).toEqual({ got: 7 });
    expect(other.status).toBe(401);
  });

  test('when a bare route is given, then it answers before the middleware with its own body limit, the rest of /api still asks for a login, and /metrics counts it', async () => {
    // Arrange
    const push: BareRoute = {
      method: 'POST', path: '/api/hooks/bare',
      handle: async (req, res) => {
        const body = await readBareBody(req.raw, 4_096);
        res.writeHead(body === null ? 413 : 200, { 'content-type': 'text/plain' }).end(body === null ? '' : `${String(req.query.n)}:${body.length}`);
      },
    };
    const metrics = createServiceMetrics('kit-test');
    const { app } = buildApp({ bareRoutes: [push], metrics });

    // Act
    const pushed = await supertest(app).post('/api/hooks/bare?n=7').type('text/xml').send('x'.repeat(3_000));
    const tooLarge = await supertest(app).post('/api/hooks/bare').type('text/xml').send('x'.repeat(5_000));
    const otherMethod = await supertest(app).get('/api/hooks/bare');
    const scraped = await supertest(app).get('/metrics');

    // Assert: no helmet header on the bare answer (no middleware ran), the GET is not the bare route
    expect(pushed.status).toBe(200);
    expect(pushed.text).toBe('7:3000');
    expect(pushed.headers['x-content-type-options']).toBeUndefined();
    expect(tooLarge.status).toBe(413);
    expect(otherMethod.status).toBe(401);
    expect(scraped.text).toMatch(/http_request_duration_seconds_count\{service="kit-test",method="POST",route="\/api\/hooks\/bare",status="200"\} 1/);
  });

  test('when a body is not valid JSON, then 400 JSON says so and names the body', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const response = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN)
      .set('Content-Type', 'application/json').send('{"text": "未写完');

    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ name: 'ValidationError', message: '请求体不是有效的 JSON', details: [{ field: 'body' }] });
  });

  test('when a body or query misses its schema, then 400 names every bad field', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const body = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN).send({ text: '' });
    const query = await supertest(app).get('/api/students?limit=500').set('Authorization', SIGNED_IN);
    const valid = await supertest(app).post('/api/notes').set('Authorization', SIGNED_IN).send({ text: '家长来电' });

    // Assert
    expect(body.status).toBe(400);
    expect(body.body).toMatchObject({ name: 'ValidationError', message: '参数无效: text', details: [{ field: 'text' }] });
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ message: '参数无效: limit', details: [{ field: 'limit' }] });
    expect(valid.status).toBe(201);
    expect(valid.body).toEqual({ text: '家长来电' });
  });
});

describe('createApp: API docs', () => {
  test('when /docs is opened signed out, then it redirects to the page (with its login form); signed in, the OpenAPI document is served', async () => {
    // Arrange
    const { app } = buildApp();

    // Act
    const signedOut = await supertest(app).get('/docs/');
    const signedIn = await supertest(app).get('/docs/openapi.json').set('Authorization', SIGNED_IN);

    // Assert
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.location).toBe('/');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ openapi: '3.0.3', info: { title: '测试服务' } });
  });
});
