import { Router } from 'express';
import { actorFromRequest, parseBody, parseParams, requireRole, type ServiceContext } from '@doitcrm/kit';
import { alertRuleBodySchema, alertRuleIdParamsSchema } from '../../contract.ts';
import type { DispatcherConfig } from '../../config.ts';
import { listAlertRules } from '../../data-access/alert-rule-repository.ts';
import { changeAlertRule, createAlertRule, readAlertRule, removeAlertRule } from '../../domain/manage-alert-rules.ts';

export function createAlertRuleRoutes(context: ServiceContext<DispatcherConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/alert-rules', async (_req, res) => {
    res.json({ items: await listAlertRules(pool) });
  });

  router.get('/alert-rules/:id', async (req, res) => {
    res.json(await readAlertRule(pool, parseParams(alertRuleIdParamsSchema, req).id));
  });

  router.post('/alert-rules', requireRole('staff'), async (req, res) => {
    res.status(201).json(await createAlertRule(pool, actorFromRequest(req), parseBody(alertRuleBodySchema, req)));
  });

  router.put('/alert-rules/:id', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(alertRuleIdParamsSchema, req);
    res.json(await changeAlertRule(pool, actorFromRequest(req), id, parseBody(alertRuleBodySchema, req)));
  });

  router.delete('/alert-rules/:id', requireRole('staff'), async (req, res) => {
    await removeAlertRule(pool, actorFromRequest(req), parseParams(alertRuleIdParamsSchema, req).id);
    res.status(204).end();
  });

  return router;
}
