import { Router } from 'express';
import { parseBody, parseQuery, requireRole, toCsv, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from '../../config.ts';
import type { FilterUsersResponse } from '../../contract.ts';
import { filterCohort, readFilterOptions } from '../../data-access/cohort-repository.ts';
import { readCommSummary, type CommSummaryRow } from '../../data-access/comm-summary-repository.ts';
import { aggregateCohort, cohortCsvRows, COHORT_CSV_COLUMNS } from '../../domain/aggregate-cohort.ts';
import { formatLocalTime } from '../../domain/beijing-time.ts';
import { aggregateBody, commSummaryQuery, exportQuery, filterUsersBody, resolveWindow } from './schemas.ts';
import { auditView } from './view-audit.ts';

export function createCohortRoutes(context: ServiceContext<MessagesConfig>): Router {
  const router = Router();
  const { pool, config } = context;
  const local = (date: Date) => formatLocalTime(date.toISOString(), config.DISPLAY_TIMEZONE);

  router.get('/filter-options', async (_req, res) => {
    res.json(await readFilterOptions(pool));
  });

  router.post('/filter-users', async (req, res) => {
    const { filters, limit } = parseBody(filterUsersBody, req);
    const result = await filterCohort(pool, {
      kind: filters.kind, keyword: filters.keyword, sectionId: filters.section_id, levelId: filters.level_id, classIds: filters.class_ids,
      window: resolveWindow(filters), limit,
    });
    const body: FilterUsersResponse = { count: result.users.length, truncated: result.truncated, users: result.users };
    res.json(body);
  });

  router.post('/aggregate-messages', async (req, res) => {
    const body = parseBody(aggregateBody, req);
    const result = await aggregateCohort(pool, body.user_ids, resolveWindow(body), body.max_messages_per_user, config.DISPLAY_TIMEZONE);
    await auditView(pool, req, 'messages.cohort.view', { type: 'cohort', id: null }, { people: body.user_ids, messages: result.totalMessages });
    const { rooms: _rooms, ...response } = result;
    res.json(response);
  });

  // a file of many families' messages, or of every parent's activity, leaves the system: staff only, as roster's
  // pupil exports are (reading a cohort on the page stays open to viewers, and is audited like any view)
  router.post('/aggregate-messages/export', requireRole('staff'), async (req, res) => {
    const body = parseBody(aggregateBody, req);
    const { format } = parseQuery(exportQuery, req);
    const result = await aggregateCohort(pool, body.user_ids, resolveWindow(body), body.max_messages_per_user, config.DISPLAY_TIMEZONE);
    await auditView(pool, req, 'messages.cohort.export', { type: 'cohort', id: null }, { people: body.user_ids, messages: result.totalMessages, format });
    const stamp = new Date().toISOString().slice(0, 10);
    if (format === 'txt') {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="cohort-messages-${stamp}.txt"`);
      res.send(`\uFEFF${result.text}\n`);
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="cohort-messages-${stamp}.csv"`);
    res.send(toCsv(cohortCsvRows(result), COHORT_CSV_COLUMNS(config.DISPLAY_TIMEZONE)));
  });

  router.get('/exports/parent-comm-summary.csv', requireRole('staff'), async (req, res) => {
    const query = parseQuery(commSummaryQuery, req);
    const rows = await readCommSummary(pool, {
      minMessages: query.min_messages, role: query.role,
      start: query.start_time ? new Date(query.start_time) : undefined, end: query.end_time ? new Date(query.end_time) : undefined,
    });
    await auditView(pool, req, 'messages.comm-summary.export', { type: 'cohort', id: null }, { ...query, rows: rows.length });
    const columns: Array<{ header: string; value: (row: CommSummaryRow) => unknown }> = [
      { header: 'wechat_id', value: (row) => row.wechatId },
      { header: 'display_name', value: (row) => row.displayName },
      { header: 'user_role', value: (row) => row.userRole },
      { header: 'student_name', value: (row) => row.studentName },
      { header: 'student_english_name', value: (row) => row.studentEnglishName },
      { header: 'total_messages', value: (row) => row.totalMessages },
      { header: 'text_messages', value: (row) => row.textMessages },
      { header: 'direct_messages', value: (row) => row.directMessages },
      { header: 'group_messages', value: (row) => row.groupMessages },
      { header: 'first_msg_time', value: (row) => local(row.firstMsgTime) },
      { header: 'last_msg_time', value: (row) => local(row.lastMsgTime) },
    ];
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="parent_comm_summary.csv"');
    res.send(toCsv(rows, columns));
  });

  return router;
}
