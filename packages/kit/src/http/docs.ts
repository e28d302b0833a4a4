import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Router } from 'express';

// loaded on first use: commands that import the kit (the ETL CLI) never serve docs, and these two weigh ~30 MB
const require = createRequire(import.meta.url);

/** Serves the service's OpenAPI file as JSON and as Swagger UI. */
export function docsRouter(openApiFile: string): Router {
  const { parse } = require('yaml') as typeof import('yaml');
  const swaggerUi = require('swagger-ui-express') as typeof import('swagger-ui-express');
  const document = parse(fs.readFileSync(openApiFile, 'utf8')) as Record<string, unknown>;
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/', swaggerUi.serveFiles(document), swaggerUi.setup(document, { customSiteTitle: 'DoitCRM API' }));
  return router;
}
