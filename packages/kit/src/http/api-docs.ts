import { z } from 'zod';
// zod-openapi (https://github.com/samchungy/zod-openapi): maintained, built on zod 4's own `.meta()` and JSON Schema
// output, so schemas need no patched `.openapi()` method and stay plain zod; @asteasolutions/zod-to-openapi would have
// us extend zod at start. 5.x, because 6.x needs Node 22 and the image runs Node 20.
import { createDocument } from 'zod-openapi';
import type { UserRole } from '@doitcrm/types';
import { SESSION_COOKIE } from '../auth/cookies.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiResponse {
  description: string;
  /** the body's shape; absent for an empty answer (204) or a file */
  schema?: z.ZodType;
  /** `application/json` unless given (a CSV, an SSE stream) */
  contentType?: string;
}

/**
 * One route as a service declares it, once: the route validates with these very schemas (`parseQuery(route.query, req)`)
 * and `/docs` is generated from them, so the two cannot disagree.
 */
export interface ApiRoute {
  method: HttpMethod;
  /** Express path below /api, as the router declares it: `/mappings/:idType` */
  path: string;
  summary: string;
  description?: string;
  /** who may call it; absent: any signed-in user */
  roles?: readonly UserRole[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** instead of a JSON body, a multipart/form-data upload: the file in field `file`, and the form's other fields */
  upload?: { description: string; fields?: z.ZodRawShape };
  responses: Record<number, ApiResponse>;
  /** the route is served without a session (login) */
  public?: boolean;
}

export interface ApiDocs {
  title: string;
  description: string;
  version?: string;
  routes: readonly ApiRoute[];
}

/** The stable error body every route answers with on failure (see error-handler.ts). */
export const errorBodySchema = z.object({
  id: z.string().describe('the request id, for the logs'),
  name: z.string(),
  message: z.string(),
  details: z.array(z.object({
    field: z.string().optional(), file: z.string().optional(), line: z.number().optional(), message: z.string(),
  })).optional(),
}).meta({ id: 'Error' });

/** `/mappings/:idType` → `/api/mappings/{idType}`: OpenAPI's spelling of the Express path. */
export function openApiPath(expressPath: string): string {
  return `/api${expressPath.replace(/:(\w+)/g, '{$1}')}`;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

const uploadForm = (fields: z.ZodRawShape = {}) => z.object({ ...fields, file: z.string().meta({ format: 'binary', description: 'the file' }) });

function operation(route: ApiRoute) {
  const roles = route.roles?.length ? `Needs the role ${route.roles.join(' or ')}.` : undefined;
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema || response.contentType
        ? { content: { [response.contentType ?? 'application/json']: response.schema ? { schema: response.schema } : {} } }
        : {}),
    };
  }
  if ((route.params || route.query || route.body) && !responses['400']) responses['400'] = errorResponse('names every bad field');
  if (!route.public && !responses['401']) responses['401'] = errorResponse('not signed in');
  if (roles && !responses['403']) responses['403'] = errorResponse('signed in without the role');
  const requestBody = route.body
    ? { content: { 'application/json': { schema: route.body } } }
    : route.upload
      ? { description: route.upload.description, required: true, content: { 'multipart/form-data': { schema: uploadForm(route.upload.fields) } } }
      : undefined;
  return {
    summary: route.summary,
    ...(route.description || roles ? { description: [route.description, roles].filter(Boolean).join('\n\n') } : {}),
    ...(route.roles?.length ? { 'x-roles': [...route.roles] } : {}),
    ...(route.public ? { security: [] } : {}),
    ...(route.params || route.query
      ? { requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) } }
      : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The service's OpenAPI 3.1 document, generated from its declared routes at start. */
export function buildOpenApiDocument(docs: ApiDocs): Record<string, unknown> {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of docs.routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${path} is declared twice`);
    item[route.method] = operation(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: docs.title, version: docs.version ?? '0.1.0', description: docs.description },
    servers: [{ url: '/' }],
    // browsers send the session cookie, scripts the same token as a bearer (auth/middleware.ts)
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths: paths as Parameters<typeof createDocument>[0]['paths'],
  }) as unknown as Record<string, unknown>;
}
