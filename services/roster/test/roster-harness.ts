import supertest from 'supertest';
import { uniqueSuffix, useTestApp, type TestApp } from '@doitcrm/kit/testing';
import { createRosterApp } from '../src/app.ts';
import { rosterConfigShape, type RosterConfig } from '../src/config.ts';
import type { ImportPreview } from '../src/contract.ts';

export type RosterTestApp = TestApp<RosterConfig, 'staff' | 'viewer' | 'admin'>;

/** The roster app of one test file, with a staff, a viewer and an admin logged in (see useTestApp). */
export function useRosterApp(env: Record<string, string> = {}): RosterTestApp {
  return useTestApp('roster', rosterConfigShape, createRosterApp, { roles: ['staff', 'viewer', 'admin'], env });
}

export function uploadCsv(t: RosterTestApp, body: Buffer | string, options: { name?: string; kind?: string; cookie?: string } = {}) {
  const request = supertest(t.app).post('/api/imports').set('Cookie', options.cookie ?? t.cookies.staff);
  if (options.kind) request.field('kind', options.kind);
  return request.attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename: options.name ?? 'roster.csv', contentType: 'text/csv' });
}

export async function preview(t: RosterTestApp, body: Buffer | string, options: { name?: string; kind?: string } = {}): Promise<ImportPreview> {
  const response = await uploadCsv(t, body, options);
  if (response.status !== 201) throw new Error(`preview failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as ImportPreview;
}

export async function commit(t: RosterTestApp, previewed: ImportPreview) {
  return supertest(t.app).post(`/api/imports/${previewed.import.id}/commit`).set('Cookie', t.cookies.staff).send({ token: previewed.token });
}

export const undo = (t: RosterTestApp, id: number) => supertest(t.app).post(`/api/imports/${id}/undo`).set('Cookie', t.cookies.staff).send({});

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
