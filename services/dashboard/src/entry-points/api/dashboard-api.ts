import type { ApiDocs } from '@doitcrm/kit';
import {
  alertListSchema, alertSchema, classDetailsSchema, classStatsListSchema, freshnessSchema, heatmapSchema, hierarchyTreeSchema, overviewSchema,
  refreshAnswerSchema, settingsViewSchema, trendsSchema,
} from '../../contract.ts';
import {
  alertIdParamsSchema, alertQuerySchema, classIdParamsSchema, classStatsQuerySchema, exportParamsSchema, settingsBodySchema, snoozeBodySchema,
  trendsQuerySchema, windowQuerySchema,
} from './schemas.ts';

const alertChanged = { 200: { description: 'the alert', schema: alertSchema }, 404: { description: 'no such alert' } };
const file = { 200: { description: 'the file (CSV with BOM, or Excel), formula-injection safe', contentType: 'application/octet-stream' } };

/** Every route of the dashboard, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const dashboardApi: ApiDocs = {
  title: 'DoitCRM 看板 — class engagement dashboard',
  description: 'Parent engagement per class from the chat archive and the roster, with alerts. Days are Beijing dates; '
    + 'a window is `days` ending today or a `from`/`to` pair. Types are those of `services/dashboard/src/contract.ts`.',
  routes: [
    {
      method: 'get', path: '/overview-stats', query: windowQuerySchema,
      summary: 'Students by status, classes, 段/阶 counts, parents; active parents and messages of the window and of the window before it',
      responses: { 200: { description: 'the overview', schema: overviewSchema } },
    },
    {
      method: 'get', path: '/hierarchy-tree', summary: '段 → 阶 → 班级 of the active classes (teachers by name, 在读 counts), and the teachers for the filter',
      responses: { 200: { description: 'the tree', schema: hierarchyTreeSchema } },
    },
    {
      method: 'get', path: '/class-stats', query: classStatsQuerySchema,
      summary: 'Class cards of the window (activity %, heat band, last contact, silent parents, median response, 需关注 reasons)',
      responses: { 200: { description: 'the classes', schema: classStatsListSchema } },
    },
    {
      method: 'get', path: '/class-details/:classId', params: classIdParamsSchema, query: windowQuerySchema,
      summary: 'One class: students with every guardian, response times per teacher, daily chart (audited before it is sent)',
      responses: { 200: { description: 'the class', schema: classDetailsSchema }, 404: { description: 'no such class' } },
    },
    {
      method: 'get', path: '/trends', query: trendsQuerySchema, summary: 'Weekly messages and active-parent rate per 段 or per class, the last N weeks (default 52)',
      responses: { 200: { description: 'the series', schema: trendsSchema } },
    },
    {
      method: 'get', path: '/heatmap', query: trendsQuerySchema, summary: 'Weekly active-parent rate per class (default 12 weeks) and the heat bands',
      responses: { 200: { description: 'the rates', schema: heatmapSchema } },
    },
    {
      method: 'get', path: '/alerts', query: alertQuerySchema,
      summary: 'Alerts, most severe and longest silent first, each with evidence and a messages-page link; a non-empty list is audited before it is sent',
      responses: { 200: { description: 'the alerts', schema: alertListSchema }, 503: { description: 'the audit row could not be written' } },
    },
    { method: 'post', path: '/alerts/:id/ack', roles: ['staff'], params: alertIdParamsSchema, summary: 'Acknowledge (audited)', responses: alertChanged },
    { method: 'post', path: '/alerts/:id/snooze', roles: ['staff'], params: alertIdParamsSchema, body: snoozeBodySchema, summary: 'Snooze for N days (audited)', responses: alertChanged },
    { method: 'post', path: '/alerts/:id/reopen', roles: ['staff'], params: alertIdParamsSchema, summary: 'Withdraw acknowledgement and snooze (audited)', responses: alertChanged },
    { method: 'get', path: '/settings', summary: 'Engagement definition parameters, thresholds, keywords', responses: { 200: { description: 'the settings', schema: settingsViewSchema } } },
    {
      method: 'put', path: '/settings', roles: ['admin'], body: settingsBodySchema,
      summary: 'Change the settings (audited with before/after); rollups that depend on them and alerts are recomputed',
      responses: { 200: { description: 'the settings', schema: settingsViewSchema } },
    },
    { method: 'get', path: '/freshness', summary: 'When the rollups were built / refreshed and the newest message they include', responses: { 200: { description: 'the freshness', schema: freshnessSchema } } },
    { method: 'post', path: '/refresh', roles: ['admin'], summary: 'Rebuild every rollup from the whole archive', responses: { 200: { description: 'what was rebuilt', schema: refreshAnswerSchema } } },
    {
      method: 'get', path: '/exports/class-report.:format', params: exportParamsSchema, query: classStatsQuerySchema,
      summary: 'Class report of the window and filters; with classId, that class\'s students and guardians (staff only). Audited before it is sent',
      responses: file,
    },
    {
      method: 'get', path: '/exports/alerts.:format', roles: ['staff'], params: exportParamsSchema, query: alertQuerySchema,
      summary: 'Alert list (default every unresolved alert); audited before it is sent', responses: file,
    },
  ],
};
