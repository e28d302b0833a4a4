import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorFromRequest, auditRead, parseBody, parseParams, parseQuery, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import type { AlertList } from '../../contract.ts';
import { listAlerts } from '../../data-access/alert-repository.ts';
import { readFreshness } from '../../data-access/refresh-state-repository.ts';
import { toAlert } from '../../domain/alert-view.ts';
import { changeAlertState, type AlertStateChange } from '../../domain/change-alert-state.ts';
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

  /** One change of an alert's state (the use case writes it with its audit row); answers the alert as it now is. */
  const change = (action: AlertStateChange['action']) => async (req: Request, res: Response) => {
    const { id } = parseParams(alertIdParamsSchema, req);
    const stateChange: AlertStateChange = action === 'snooze' ? { action, days: parseBody(snoozeBodySchema, req).days } : { action };
    const updated = await changeAlertState(pool, actorFromRequest(req), id, stateChange);
    res.json(toAlert(updated, originOf(req), port));
  };

  router.post('/alerts/:id/ack', requireRole('staff'), change('ack'));
  router.post('/alerts/:id/snooze', requireRole('staff'), change('snooze'));
  router.post('/alerts/:id/reopen', requireRole('staff'), change('reopen'));
  return router;
}
