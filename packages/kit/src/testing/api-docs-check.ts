import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import supertest from 'supertest';
import { expect, test } from 'vitest';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; bareRoutes?: Array<{ method: string; path: string }> };
}

function joinPath(prefix: string, path: unknown): string {
  if (typeof path !== 'string') throw new Error(`a route path that is not a string (${String(path)}) cannot be checked against the docs`);
  return path === '/' ? prefix || '/' : `${prefix}${path}`;
}

function walk(stack: Layer[], prefix: string, found: string[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = joinPath(prefix, layer.route.path);
      for (const method of METHODS) if (layer.route.methods[method]) found.push(`${method.toUpperCase()} ${path}`);
    } else if (Array.isArray(layer.handle?.bareRoutes)) {
      // kit's bare routes (http/bare-routes.ts): answered before the app's router, by a handler that names them
      for (const route of layer.handle.bareRoutes) found.push(`${route.method} ${route.path}`);
    } else if (Array.isArray(layer.handle?.stack)) {
      walk(layer.handle.stack, joinPath(prefix, layer.rawPath ?? '/').replace(/\/$/, ''), found);
    }
  }
}

/** Every `METHOD /path` the Express app serves, walking its mounted routers (Express 5: `app.router.stack`). */
export function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', found);
  return [...new Set(found)].sort();
}

/** Every `METHOD /path` an OpenAPI document lists, in Express spelling (`{id}` → `:id`). */
export function documentedRoutes(document: { paths?: Record<string, Record<string, unknown>> }): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) if (item[method]) found.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return found.sort();
}

/** The routes under /api missing from the document, and the documented routes the app does not serve. */
export function compareRoutesWithDocument(app: Express, document: { paths?: Record<string, Record<string, unknown>> }) {
  const served = servedRoutes(app).filter((route) => route.split(' ')[1]!.startsWith('/api/'));
  const documented = documentedRoutes(document);
  return {
    undocumented: served.filter((route) => !documented.includes(route)),
    notServed: documented.filter((route) => !served.includes(route)),
  };
}

/** The documented routes that declare roles (`x-roles`), with a sample path (each `{param}` filled with 1). */
export function roleGatedRoutes(document: { paths?: Record<string, Record<string, unknown>> }): Array<{ method: (typeof METHODS)[number]; path: string }> {
  const found: Array<{ method: (typeof METHODS)[number]; path: string }> = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const roles = (item[method] as { 'x-roles'?: string[] } | undefined)?.['x-roles'];
      if (roles?.length) found.push({ method, path: path.replace(/\{\w+\}/g, '1') });
    }
  }
  return found;
}

/**
 * The checks of a service's generated API docs, for its API test file to call once: every route is documented,
 * /docs/openapi.json is a valid OpenAPI 3 document served only to a signed-in user, and each route the docs reserve
 * for a role refuses a viewer. `viewerCookie` is a signed-in viewer's.
 */
export function testApiDocs(t: { app: Express }, viewerCookie: () => string): void {
  const cookie = viewerCookie;
  test('when the app\'s routes are walked, then every route under /api is in /docs/openapi.json and every documented route is served', async () => {
    const document = await supertest(t.app).get('/docs/openapi.json').set('Cookie', cookie());

    const { undocumented, notServed } = compareRoutesWithDocument(t.app, document.body);

    expect(undocumented).toEqual([]);
    expect(notServed).toEqual([]);
  });

  test('when /docs/openapi.json is asked for, then a signed-in user gets a valid OpenAPI 3 document and a signed-out visitor is sent to the login page', async () => {
    const signedIn = await supertest(t.app).get('/docs/openapi.json').set('Cookie', cookie());
    const signedOut = await supertest(t.app).get('/docs/openapi.json');

    expect(signedIn.status).toBe(200);
    expect(signedIn.body.openapi).toMatch(/^3\.\d+\.\d+$/);
    // validate dereferences in place: a copy keeps the answer as it came
    await expect(SwaggerParser.validate(structuredClone(signedIn.body))).resolves.toBeTruthy();
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.location).toBe('/');
  });

  test('when a viewer calls each route the docs reserve for a role, then every one answers 403', async () => {
    const document = await supertest(t.app).get('/docs/openapi.json').set('Cookie', cookie());
    const gated = roleGatedRoutes(document.body);

    const answers = await Promise.all(gated.map(async ({ method, path }) => `${method.toUpperCase()} ${path} ${(await supertest(t.app)[method](path).set('Cookie', cookie())).status}`));

    expect(gated.length).toBeGreaterThan(0);
    expect(answers).toEqual(gated.map(({ method, path }) => `${method.toUpperCase()} ${path} 403`));
  });
}
