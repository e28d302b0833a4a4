import { Router, type RequestHandler, type Response } from 'express';
import { auditRead, parseParams, parseQuery, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from '../../config.ts';
import { listAlerts } from '../../data-access/alert-repository.ts';
import { readSettings } from '../../data-access/settings-repository.ts';
import { toAlert } from '../../domain/alert-view.ts';
import { resolveWindow } from '../../domain/day-window.ts';
import { alertColumns, classReportColumns, studentColumns, studentGuardianRows } from '../../domain/export-columns.ts';
import { readClassDetails } from '../../domain/read-class-details.ts';
import { readClassList } from '../../domain/read-class-stats.ts';
import { toCsvText, toWorkbook, type Column } from '../../domain/spreadsheet.ts';
import { alertSubjects, classFilterOf, originOf } from './request-helpers.ts';
import { alertQuerySchema, classStatsQuerySchema, exportParamsSchema } from './schemas.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(res: Response, baseName: string, format: 'csv' | 'xlsx'): void {
  // RFC 5987: the Chinese name for browsers that read it, an ASCII one for those that do not
  res.setHeader('Content-Disposition', `attachment; filename="dashboard-export.${format}"; filename*=UTF-8''${encodeURIComponent(`${baseName}.${format}`)}`);
}

async function send<Row>(res: Response, format: 'csv' | 'xlsx', baseName: string, sheet: string, rows: Row[], columns: Array<Column<Row>>): Promise<void> {
  attachment(res, baseName, format);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsvText(rows, columns));
  } else {
    res.type(XLSX_TYPE).send(await toWorkbook([{ name: sheet, rows, columns: columns as Array<Column<never>> }]));
  }
}

// the class report of one class lists its students and their guardians (a bulk copy: staff only); the report of
// many classes holds only per-class numbers, which every signed-in user sees on the page anyway
const staffForStudents: RequestHandler = (req, res, next) => (req.query.classId === undefined ? next() : requireRole('staff')(req, res, next));

export function createExportRoutes(context: ServiceContext<DashboardConfig>): Router {
  const router = Router();
  const { pool } = context;
  const timezone = context.config.DISPLAY_TIMEZONE;

  router.get('/exports/class-report.:format', staffForStudents, async (req, res) => {
    const { format } = parseParams(exportParamsSchema, req);
    const query = parseQuery(classStatsQuerySchema, req);
    const { window } = resolveWindow(query, timezone);
    const settings = await readSettings(pool);
    if (query.classId) {
      // one class: its numbers and every student with every guardian (the CSV holds the students)
      const details = await readClassDetails(pool, settings, query.classId, window, originOf(req), context.config.MESSAGES_PORT);
      await auditRead(pool, req, {
        service: 'dashboard', action: 'dashboard.export.students', targetType: 'class', targetId: query.classId,
        details: { window, format, people: details.students.flatMap((student) => student.guardians.map((guardian) => guardian.parentId)) },
      });
      const name = `${details.class.className}_${window.from}_${window.to}`;
      const rows = studentGuardianRows(details.students);
      if (format === 'csv') {
        await send(res, format, name, '学员家长', rows, studentColumns(timezone));
      } else {
        attachment(res, name, format);
        res.type(XLSX_TYPE).send(await toWorkbook([
          { name: '班级报告', rows: [details.class], columns: classReportColumns(timezone) as Array<Column<never>> },
          { name: '学员家长', rows, columns: studentColumns(timezone) as Array<Column<never>> },
        ]));
      }
      return;
    }
    const { items } = await readClassList(pool, settings, {
      window, filter: classFilterOf(query), sort: query.sort ?? 'hierarchy', order: query.order ?? 'asc', attentionOnly: query.attention === 'true',
    });
    await auditRead(pool, req, { service: 'dashboard', action: 'dashboard.export.classes', targetType: 'export', targetId: format, details: { window, format, rows: items.length } });
    await send(res, format, `班级报告_${window.from}_${window.to}`, '班级报告', items, classReportColumns(timezone));
  });

  // alerts name parents and children: a bulk copy of them is a staff task, as roster's pupil exports are
  router.get('/exports/alerts.:format', requireRole('staff'), async (req, res) => {
    const { format } = parseParams(exportParamsSchema, req);
    const query = parseQuery(alertQuerySchema, req);
    const list = await listAlerts(pool, { ...query, state: query.state ?? 'all', limit: 100_000, offset: 0 });
    const alerts = list.items.map((row) => toAlert(row, originOf(req), context.config.MESSAGES_PORT));
    // whose data left, not every alert id (an export may hold 100,000 of them)
    const { people, students } = alertSubjects(list.items);
    await auditRead(pool, req, {
      service: 'dashboard', action: 'dashboard.export.alerts', targetType: 'export', targetId: format, details: { rows: alerts.length, people, students },
    });
    await send(res, format, '异常提醒', '异常提醒', alerts, alertColumns(timezone));
  });

  return router;
}
