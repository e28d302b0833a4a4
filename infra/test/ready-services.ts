import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { SERVICES } from '@doitcrm/types';
import { repositoryRoot } from './compose-file.ts';

/** The services that exist (status ready): each one must be deployable by every deployment file. */
export const READY_SERVICES = SERVICES.filter((service) => service.status === 'ready');
export const PLANNED_SERVICES = SERVICES.filter((service) => service.status !== 'ready');

/** How every deployment starts a service: the same command `npm start` runs, from the checkout's root. */
export function startCommandOf(key: string): string[] {
  return ['node', '--import', 'tsx', `services/${key}/src/start.ts`];
}

export function startFileExists(key: string): boolean {
  return fs.existsSync(path.join(repositoryRoot, 'services', key, 'src', 'start.ts'));
}

/** The zod shape a service validates its environment with (its `…ConfigShape` export), so its settings can be listed. */
export async function configShapeOf(key: string): Promise<z.ZodRawShape> {
  const module = (await import(pathToFileURL(path.join(repositoryRoot, 'services', key, 'src', 'config.ts')).href)) as Record<string, unknown>;
  const shape = Object.entries(module).find(([name]) => name.endsWith('ConfigShape'))?.[1];
  if (!shape) throw new Error(`services/${key}/src/config.ts exports no …ConfigShape`);
  return shape as z.ZodRawShape;
}

/** A service's config loader (its `load…Config` export), to run a deployment file's environment through it. */
export async function configLoaderOf(key: string): Promise<(env: NodeJS.ProcessEnv) => unknown> {
  const module = (await import(pathToFileURL(path.join(repositoryRoot, 'services', key, 'src', 'config.ts')).href)) as Record<string, unknown>;
  const loader = Object.entries(module).find(([name, value]) => /^load\w*Config$/.test(name) && typeof value === 'function')?.[1];
  if (!loader) throw new Error(`services/${key}/src/config.ts exports no load…Config function`);
  return loader as (env: NodeJS.ProcessEnv) => unknown;
}
