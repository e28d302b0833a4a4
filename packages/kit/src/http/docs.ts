import fs from 'node:fs';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { parse } from 'yaml';

/** Serves the service's OpenAPI file as JSON and as Swagger UI. */
export function docsRouter(openApiFile: string): Router {
  const document = parse(fs.readFileSync(openApiFile, 'utf8')) as Record<string, unknown>;
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/', swaggerUi.serveFiles(document), swaggerUi.setup(document, { customSiteTitle: 'DoitCRM API' }));
  return router;
}
