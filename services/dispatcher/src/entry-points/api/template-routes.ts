import { Router } from 'express';
import { actorFromRequest, parseBody, parseParams, parseQuery, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { listTemplates } from '../../data-access/template-repository.ts';
import { changeTemplateActive, createTemplate, readTemplate, removeTemplate, updateTemplate } from '../../domain/manage-templates.ts';
import { renderTemplate, templateVariables, type VariableValues } from '../../domain/template-text.ts';
import { previewBodySchema, savedPreviewBodySchema, templateBodySchema, templateIdParamsSchema, templateListQuerySchema } from './schemas.ts';

export function createTemplateRoutes(context: ServiceContext<DispatcherConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/templates', async (req, res) => {
    res.json({ items: await listTemplates(pool, parseQuery(templateListQuerySchema, req)) });
  });

  router.get('/templates/:id', async (req, res) => {
    res.json(await readTemplate(pool, parseParams(templateIdParamsSchema, req).id));
  });

  router.post('/templates', requireRole('staff'), async (req, res) => {
    res.status(201).json(await createTemplate(pool, actorFromRequest(req), parseBody(templateBodySchema, req)));
  });

  router.put('/templates/:id', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(templateIdParamsSchema, req);
    res.json(await updateTemplate(pool, actorFromRequest(req), id, parseBody(templateBodySchema, req)));
  });

  router.delete('/templates/:id', requireRole('staff'), async (req, res) => {
    await removeTemplate(pool, actorFromRequest(req), parseParams(templateIdParamsSchema, req).id);
    res.status(204).end();
  });

  for (const [action, active] of [['activate', true], ['deactivate', false]] as const) {
    router.post(`/templates/:id/${action}`, requireRole('staff'), async (req, res) => {
      res.json(await changeTemplateActive(pool, actorFromRequest(req), parseParams(templateIdParamsSchema, req).id, active));
    });
  }

  // the editor's live preview of unsaved text: nothing is stored, so any signed-in reader may use it
  router.post('/templates/preview', (req, res) => {
    const { channel, subject, body, variables } = parseBody(previewBodySchema, req);
    const template = { channel, subject: subject ?? null, body };
    res.json({ channel, variables: templateVariables(template), ...renderTemplate(template, variables as VariableValues) });
  });

  router.post('/templates/:id/preview', async (req, res) => {
    const template = await readTemplate(pool, parseParams(templateIdParamsSchema, req).id);
    const { variables } = parseBody(savedPreviewBodySchema, req);
    res.json({ channel: template.channel, variables: template.variables, ...renderTemplate(template, (variables ?? template.sampleVariables) as VariableValues) });
  });

  return router;
}
