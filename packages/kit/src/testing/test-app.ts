import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { z } from 'zod';
import type { User } from '../auth/types.ts';
import type { BaseConfig } from '../config.ts';
import { listen, type ServiceContext } from '../service.ts';
import { launchBrowser, logInThroughForm } from './browser.ts';
import { createTestService, createTestUser, loginCookie, type TestService } from './service-harness.ts';

type ConfigOf<Shape extends z.ZodRawShape> = Readonly<z.infer<z.ZodObject<Shape>>> & BaseConfig;
type Role = User['role'];

export interface TestServiceOptions<C extends BaseConfig> {
  /** config overrides; a function when they are only known once earlier hooks ran (a fake's URL) */
  env?: Record<string, string> | (() => Record<string, string>);
  /** seeds data or starts consumers once the context exists, before anything else is built on it */
  prepare?: (context: ServiceContext<C>) => Promise<unknown>;
  /** beforeAll timeout in ms (vitest's hookTimeout when not given) */
  timeout?: number;
}

const envOf = (options: Pick<TestServiceOptions<BaseConfig>, 'env'>): Record<string, string> | undefined =>
  typeof options.env === 'function' ? options.env() : options.env;

export interface UsedTestService<C extends BaseConfig> {
  service: TestService<C>;
  context: ServiceContext<C>;
}

/**
 * The service context of one test file (see createTestService): created before its tests, cleaned up after.
 * Filled in place, so `const t = useTestService(…)` works at the top of the file; read it only inside hooks and tests.
 * Hooks registered later run after its beforeAll and before its afterAll.
 */
export function useTestService<Shape extends z.ZodRawShape>(
  name: string,
  shape: Shape,
  options: TestServiceOptions<ConfigOf<Shape>> = {},
): UsedTestService<ConfigOf<Shape>> {
  const t = {} as UsedTestService<ConfigOf<Shape>>;
  beforeAll(async () => {
    t.service = await createTestService(name, shape, envOf(options));
    t.context = t.service.context;
    await options.prepare?.(t.context);
  }, options.timeout);
  afterAll(async () => {
    await t.service?.cleanup();
  });
  return t;
}

export interface TestAppOptions<C extends BaseConfig, R extends Role> extends TestServiceOptions<C> {
  /** a user is created for each role and logged in through the API */
  roles?: readonly R[];
}

export interface TestApp<C extends BaseConfig, R extends Role = never> extends UsedTestService<C> {
  app: Express;
  users: Record<R, User>;
  /** the session Cookie header of each role's user */
  cookies: Record<R, string>;
}

/** useTestService, then the service's app built on its context and one logged-in user per role. */
export function useTestApp<Shape extends z.ZodRawShape, R extends Role = never>(
  name: string,
  shape: Shape,
  createApp: (context: ServiceContext<ConfigOf<Shape>>) => Express,
  options: TestAppOptions<ConfigOf<Shape>, R> = {},
): TestApp<ConfigOf<Shape>, R> {
  const t = { users: {}, cookies: {} } as TestApp<ConfigOf<Shape>, R>;
  const base = useTestService(name, shape, {
    ...options,
    async prepare(context) {
      Object.assign(t, base);
      await options.prepare?.(context);
      t.app = createApp(context);
      for (const role of options.roles ?? []) {
        t.users[role] = await createTestUser(context, role);
        t.cookies[role] = await loginCookie(t.app, t.users[role].username);
      }
    },
  });
  return t;
}

export interface TestPage<C extends BaseConfig> extends UsedTestService<C> {
  /** where the app listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** a staff user, for logIn */
  username: string;
  browser: Browser;
  /** opens `path` and signs in as the staff user through the login form */
  logIn: (page: Page, path?: string) => Promise<void>;
}

/** useTestService for page tests: the app listening on a free loopback port, a staff user and Chromium. */
export function useTestPage<Shape extends z.ZodRawShape>(
  name: string,
  shape: Shape,
  createApp: (context: ServiceContext<ConfigOf<Shape>>) => Express,
  options: TestServiceOptions<ConfigOf<Shape>> = {},
): TestPage<ConfigOf<Shape>> {
  const t = {
    logIn: (page: Page, path = '/') => logInThroughForm(page, `${t.baseUrl}${path}`, t.username),
  } as TestPage<ConfigOf<Shape>>;
  const base = useTestService(name, shape, {
    ...options,
    env: () => ({ HOST: '127.0.0.1', ...envOf(options) }),
    async prepare(context) {
      Object.assign(t, base);
      await options.prepare?.(context);
      const server = await listen(context, createApp(context), 0);
      t.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      t.username = (await createTestUser(context, 'staff')).username;
      t.browser = await launchBrowser();
    },
  });
  afterAll(async () => {
    await t.browser?.close();
  });
  return t;
}
