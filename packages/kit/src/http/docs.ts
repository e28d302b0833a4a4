import { createRequire } from 'node:module';
import { Router } from 'express';

// loaded on first use: commands that import the kit (the ETL CLI) never serve docs, and Swagger UI weighs ~30 MB
const require = createRequire(import.meta.url);

/** Serves the service's OpenAPI document (generated from its declared routes) as JSON and as Swagger UI. */
export function docsRouter(document: Record<string, unknown>): Router {
  const swaggerUi = require('swagger-ui-express') as typeof import('swagger-ui-express');
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/', swaggerUi.serveFiles(document), swaggerUi.setup(document, { customSiteTitle: 'DoitCRM API' }));
  return router;
}
