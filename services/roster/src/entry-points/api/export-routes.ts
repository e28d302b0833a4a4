import { Router, type Response } from 'express';
import { auditFromRequest, parseQuery, recordAudit, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { RosterConfig } from '../../config.ts';
import { exportClasses, exportEnrolments } from '../../data-access/export-repository.ts';
import { classesCsv, matrixCsv, studentsCsv } from '../../domain/export-csv.ts';
import { includeInactiveQuery } from './edit-schemas.ts';

function sendCsv(res: Response, fileName: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.send(body);
}

export function createExportRoutes(context: ServiceContext<RosterConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/export/classes.csv', async (req, res) => {
    const query = parseQuery(includeInactiveQuery, req);
    sendCsv(res, 'classes.csv', classesCsv(await exportClasses(pool, query.includeInactive === 'true')));
  });

  // children's names and schools leave the system: staff only, and audited
  for (const kind of ['students', 'matrix'] as const) {
    router.get(`/export/${kind}.csv`, requireRole('staff'), async (req, res) => {
      const query = parseQuery(includeInactiveQuery, req);
      const classes = await exportClasses(pool, query.includeInactive === 'true');
      const enrolments = await exportEnrolments(pool, classes.map((c) => c.id));
      await recordAudit(pool, auditFromRequest(req, { service: 'roster', action: `roster.export.${kind}`, details: { rows: enrolments.length } }));
      sendCsv(res, `${kind === 'matrix' ? 'roster-matrix' : 'students'}.csv`, kind === 'matrix' ? matrixCsv(classes, enrolments) : studentsCsv(classes, enrolments));
    });
  }
  return router;
}
