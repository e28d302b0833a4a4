import express, { Router } from 'express';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { compareRoutesWithDocument, roleGatedRoutes, servedRoutes } from '../testing/api-docs-check.ts';
import { buildOpenApiDocument, openApiPath, type ApiRoute } from './api-docs.ts';

const noteParams = z.object({ id: z.coerce.number().int().positive() });
const noteQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(20) });
const noteBody = z.object({ text: z.string().min(1).max(100) });
const note = z.object({ id: z.number(), text: z.string() }).meta({ id: 'Note' });

const routes: ApiRoute[] = [
  { method: 'get', path: '/notes', summary: 'Notes', query: noteQuery, responses: { 200: { description: 'the notes', schema: z.object({ items: z.array(note) }) } } },
  { method: 'put', path: '/notes/:id', summary: 'Change a note', roles: ['staff'], params: noteParams, body: noteBody, responses: { 200: { description: 'the note', schema: note } } },
  { method: 'get', path: '/notes.csv', summary: 'Notes as CSV', responses: { 200: { description: 'the file', contentType: 'text/csv' } } },
];

type Operation = {
  description?: string; parameters: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
const operationOf = (document: Record<string, unknown>, path: string, method: string) =>
  (document.paths as Record<string, Record<string, Operation>>)[path]![method]!;

function notesApp(extra?: (router: Router) => void) {
  const app = express();
  const api = Router();
  api.get('/notes', (_req, res) => { res.json({ items: [] }); });
  api.put('/notes/:id', (_req, res) => { res.json({}); });
  api.get('/notes.csv', (_req, res) => { res.send(''); });
  extra?.(api);
  const nested = Router();
  nested.use(api);
  app.use('/api', (_req, _res, next) => { next(); }, nested);
  app.get('/healthz', (_req, res) => { res.json({}); });
  return app;
}

describe('buildOpenApiDocument', () => {
  test('when a route is declared with Express params, then its path is spelled the OpenAPI way under /api', () => {
    expect(openApiPath('/notes/:id')).toBe('/api/notes/{id}');
    expect(openApiPath('/exports/report.:format')).toBe('/api/exports/report.{format}');
  });

  test('when routes are declared with zod schemas, then the document carries their parameters, body, answers and roles', () => {
    const document = buildOpenApiDocument({ title: 'Notes', description: 'notes', routes });

    const put = operationOf(document, '/api/notes/{id}', 'put');
    const list = operationOf(document, '/api/notes', 'get');
    expect(document.openapi).toBe('3.1.0');
    expect(put.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(put.requestBody!.content['application/json']!.schema).toMatchObject({ properties: { text: { type: 'string', maxLength: 100 } } });
    expect(put.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Note' });
    expect(Object.keys(put.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(put.description).toContain('staff');
    expect(list.parameters).toEqual([expect.objectContaining({ name: 'limit', in: 'query' })]);
    expect(operationOf(document, '/api/notes.csv', 'get').responses['200']!.content).toHaveProperty('text/csv');
  });

  test('when a route takes an upload, then its body is multipart/form-data with a binary file field beside its own fields', () => {
    const upload: ApiRoute = {
      method: 'post', path: '/notes/import', summary: 'Import notes', upload: { description: 'a CSV', fields: { mode: z.enum(['add', 'replace']) } },
      responses: { 202: { description: 'queued' } },
    };

    const post = operationOf(buildOpenApiDocument({ title: 'Notes', description: 'notes', routes: [upload] }), '/api/notes/import', 'post');

    expect(post.requestBody!.content['multipart/form-data']!.schema).toMatchObject({
      properties: { mode: { enum: ['add', 'replace'] }, file: { type: 'string', format: 'binary' } }, required: ['mode', 'file'],
    });
  });

  test('when the same method and path is declared twice, then building the document fails naming it', () => {
    expect(() => buildOpenApiDocument({ title: 'Notes', description: 'notes', routes: [...routes, routes[0]!] })).toThrow('GET /api/notes is declared twice');
  });
});

describe('compareRoutesWithDocument', () => {
  test('when every served route under /api is declared, then nothing is missing either way', () => {
    const app = notesApp();

    expect(servedRoutes(app)).toEqual(['GET /api/notes', 'GET /api/notes.csv', 'GET /healthz', 'PUT /api/notes/:id']);
    expect(compareRoutesWithDocument(app, buildOpenApiDocument({ title: 'Notes', description: 'notes', routes }))).toEqual({ undocumented: [], notServed: [] });
  });

  test('when the app serves a route the document lacks, and the document lists one the app lacks, then both are named', () => {
    const app = notesApp((api) => api.delete('/notes/:id', (_req, res) => { res.status(204).end(); }));
    const declared: ApiRoute[] = [...routes, { method: 'post', path: '/notes', summary: 'Add a note', responses: { 201: { description: 'added' } } }];

    const result = compareRoutesWithDocument(app, buildOpenApiDocument({ title: 'Notes', description: 'notes', routes: declared }));

    expect(result).toEqual({ undocumented: ['DELETE /api/notes/:id'], notServed: ['POST /api/notes'] });
  });
});

describe('roleGatedRoutes', () => {
  test('when routes declare roles, then exactly those are listed, with their path parameters filled in', () => {
    const document = buildOpenApiDocument({ title: 'Notes', description: 'notes', routes });

    expect(roleGatedRoutes(document)).toEqual([{ method: 'put', path: '/api/notes/1' }]);
  });
});
