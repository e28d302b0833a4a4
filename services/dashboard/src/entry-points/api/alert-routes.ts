import { Router } from 'express';
import {
  auditFromRequest, auditRead, NotFoundError, parseBody, parseParams, parseQuery, recordAudit, requireRole, withTransaction, type ServiceContext,
} from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import type { AlertList } from '../../contract.ts';
import { acknowledgeAlert, findAlert, listAlerts, reopenAlert, snoozeAlert } from '../../data-access/alert-repository.ts';
import { readFreshness } from '../../data-access/refresh-state-repository.ts';
import { toAlert } from '../../domain/alert-view.ts';
import { alertSubjects, originOf } from './request-helpers.ts';
import { alertIdParamsSchema, alertQuerySchema, snoozeBodySchema } from './schemas.ts';

export function createAlertRoutes(context: ServiceContext<DashboardConfig>): Router {
  const router = Router();
  const { pool } = context;
  const port = context.config.MESSAGES_PORT;

  router.get('/alerts', async (req, res) => {
    const query = parseQuery(alertQuerySchema, req);
    const [list, freshness] = await Promise.all([
      listAlerts(pool, { ...query, state: query.state ?? 'active', limit: query.limit ?? 100, offset: query.offset ?? 0 }),
      readFreshness(pool),
    ]);
    // alerts name parents and children and quote their messages (keyword excerpts): who saw which is recorded first
    if (list.items.length > 0) {
      await auditRead(pool, req, { service: 'dashboard', action: 'dashboard.alerts.view', targetType: 'alerts', details: alertSubjects(list.items) });
    }
    const body: AlertList = { items: list.items.map((row) => toAlert(row, originOf(req), port)), total: list.total, counts: list.counts, freshness };
    res.json(body);
  });

  /** One change of an alert's state, written with its audit row in one transaction. */
  const change = (action: 'ack' | 'snooze' | 'reopen') => async (req: import('express').Request, res: import('express').Response) => {
    const { id } = parseParams(alertIdParamsSchema, req);
    const snooze = action === 'snooze' ? parseBody(snoozeBodySchema, req) : null;
    const updated = await withTransaction(pool, async (client) => {
      const alert = await findAlert(client, id);
      if (!alert) throw new NotFoundError(`提醒 ${id} 不存在`);
      const userId = req.user?.id ?? null;
      if (action === 'ack') await acknowledgeAlert(client, id, userId);
      if (snooze) await snoozeAlert(client, id, new Date(Date.now() + snooze.days * 86_400_000), userId);
      if (action === 'reopen') await reopenAlert(client, id);
      await recordAudit(client, auditFromRequest(req, {
        service: 'dashboard', action: `dashboard.alert.${action}`, targetType: 'alert', targetId: id,
        details: { kind: alert.kind, title: alert.title, ...(snooze ? { days: snooze.days } : {}) },
      }));
      return findAlert(client, id);
    });
    res.json(toAlert(updated!, originOf(req), port));
  };

  router.post('/alerts/:id/ack', requireRole('staff'), change('ack'));
  router.post('/alerts/:id/snooze', requireRole('staff'), change('snooze'));
  router.post('/alerts/:id/reopen', requireRole('staff'), change('reopen'));
  return router;
}
