import type { Express } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { createTestService, createTestUser, loginCookie, uniqueSuffix, type TestService } from '@doitcrm/kit/testing';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape, type RosterConfig } from '../src/config.ts';
import type { ImportPreview } from '../src/contract.ts';

export interface RosterTestApp {
  service: TestService<RosterConfig>;
  app: Express;
  staff: string;
  viewer: string;
  admin: string;
}

export async function startRoster(env: Record<string, string> = {}): Promise<RosterTestApp> {
  const service = await createTestService('roster', rosterConfigShape, env);
  const app = createRosterApp(service.context);
  const [staff, viewer, admin] = await Promise.all((['staff', 'viewer', 'admin'] as const).map(async (role) =>
    loginCookie(app, (await createTestUser(service.context, role)).username)));
  return { service, app, staff: staff!, viewer: viewer!, admin: admin! };
}

/** The roster app of one test file: started before its tests, cleaned up after (filled in place, so `const t` works). */
export function useRosterApp(env: Record<string, string> = {}): RosterTestApp {
  const t = {} as RosterTestApp;
  beforeAll(async () => {
    Object.assign(t, await startRoster(env));
  }, 120_000);
  afterAll(async () => {
    await t.service?.cleanup();
  });
  return t;
}

export function uploadCsv(t: RosterTestApp, body: Buffer | string, options: { name?: string; kind?: string; cookie?: string } = {}) {
  const request = supertest(t.app).post('/api/imports').set('Cookie', options.cookie ?? t.staff);
  if (options.kind) request.field('kind', options.kind);
  return request.attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename: options.name ?? 'roster.csv', contentType: 'text/csv' });
}

export async function preview(t: RosterTestApp, body: Buffer | string, options: { name?: string; kind?: string } = {}): Promise<ImportPreview> {
  const response = await uploadCsv(t, body, options);
  if (response.status !== 201) throw new Error(`preview failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ImportPreview;
}

export async function commit(t: RosterTestApp, previewed: ImportPreview) {
  return supertest(t.app).post(`/api/imports/${previewed.import.id}/commit`).set('Cookie', t.staff).send({ token: previewed.token });
}

export const undo = (t: RosterTestApp, id: number) => supertest(t.app).post(`/api/imports/${id}/undo`).set('Cookie', t.staff).send({});

/** A matrix CSV of fresh classes (unique names and group ids), so each test owns its rows. */
export function freshMatrix(classes: Array<{ stage?: string; pupils: string[]; room?: boolean; name?: string; teacher?: string }>): { csv: string; names: string[]; rooms: string[] } {
  const suffix = uniqueSuffix();
  const names = classes.map((c, i) => c.name ?? `测试${suffix}-${i + 1}班`);
  const rooms = classes.map((_, i) => `wrTest${suffix}${i}`);
  const longest = Math.max(...classes.map((c) => c.pupils.length));
  const lines = [
    ['班级', ...names],
    ['所在阶段', ...classes.map((c) => c.stage ?? 'L2')],
    ['主教老师', ...classes.map((c) => c.teacher ?? '')],
    ...Array.from({ length: longest }, (_, i) => [`学员${i + 1}`, ...classes.map((c) => c.pupils[i] ?? '')]),
    ['群ID', ...classes.map((c, i) => (c.room === false ? '' : rooms[i]!))],
  ];
  return { csv: `${lines.map((line) => line.join(',')).join('\r\n')}\r\n`, names, rooms };
}
