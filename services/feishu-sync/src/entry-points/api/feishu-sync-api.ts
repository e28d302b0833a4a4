import { z } from 'zod';
import { jobApi, type ApiDocs } from '@doitcrm/kit';
import {
  connectionSchema, dryRunSchema, settingsSchema, fieldMappingSchema, rollbackAcceptedSchema, rollbackBodySchema, rollbackSchema, runAcceptedSchema, runIdParams, runListQuery, runListSchema, runSchema,
  uploadAnswerSchema, uploadIdBodySchema,
} from '../../contract.ts';

const unconfigured = { 409: { description: 'Feishu is not configured (FEISHU_APP_ID / FEISHU_APP_SECRET / FEISHU_APP_TOKEN / table ids)' } };
const csv = { description: 'CSV (UTF-8 with BOM)', schema: z.string() };

/** Every route of feishu-sync, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const feishuSyncApi: ApiDocs = {
  title: 'DoitCRM 飞书同步 — 小鹅通 export → Feishu Bitable',
  description: 'Upload a 小鹅通 export (CSV in UTF-8 / UTF-8 BOM / GBK / GB2312, or .xlsx), check it row by row, see a dry run, then sync it '
    + 'into the two Bitable tables of seed 002 as a job (`/api/runs/:id/events` streams its progress). Runs are resumable and can be rolled back. '
    + 'Types are those of `services/feishu-sync/src/contract.ts`; phones are always masked.',
  routes: [
    {
      method: 'post', path: '/uploads', roles: ['staff'], summary: 'Upload an export (multipart, field `file`, ≤ FEISHU_SYNC_MAX_UPLOAD_MB) and check every row (audited)',
      responses: {
        201: { description: 'the rows found good and every bad cell by row and column', schema: uploadAnswerSchema },
        400: { description: 'not a CSV / xlsx, or a required column is missing (named)' }, 413: { description: 'larger than the limit' },
      },
    },
    { method: 'get', path: '/settings', summary: 'What the page states: the upload limit, and whether Feishu is configured', responses: { 200: { description: 'settings', schema: settingsSchema } } },
    { method: 'get', path: '/mapping', summary: 'The saved column → field mapping', responses: { 200: { description: 'mapping', schema: fieldMappingSchema } } },
    {
      method: 'put', path: '/mapping', roles: ['staff'], body: fieldMappingSchema, summary: 'Save the column → field mapping (audited)',
      responses: { 200: { description: 'saved', schema: fieldMappingSchema } },
    },
    { method: 'get', path: '/sample.csv', summary: 'A sample export to download', responses: { 200: csv } },
    {
      method: 'post', path: '/dry-run', roles: ['staff'], body: uploadIdBodySchema,
      summary: 'Read both tables (every page; any read error fails loudly) and tell what a sync would do; writes nothing (audited)',
      responses: { 200: { description: 'the figures', schema: dryRunSchema }, 404: { description: 'no such upload' }, ...unconfigured },
    },
    {
      method: 'post', path: '/runs', roles: ['staff'], body: uploadIdBodySchema, summary: 'Sync an upload (a `feishu.sync` job; audited)',
      responses: { 202: { description: 'queued', schema: runAcceptedSchema }, 404: { description: 'no such upload' }, 503: { description: 'RabbitMQ did not take the job' }, ...unconfigured },
    },
    { method: 'get', path: '/runs', query: runListQuery, summary: 'The history: counts, errors, duration, calls spent', responses: { 200: { description: 'runs', schema: runListSchema } } },
    { method: 'get', path: '/runs/:id', params: runIdParams, summary: 'One run', responses: { 200: { description: 'the run', schema: runSchema }, 404: { description: 'no such run' } } },
    {
      method: 'get', path: '/runs/:id/events', params: runIdParams, summary: 'The run\'s job as server-sent events (`job`), until it ends',
      responses: { 200: { description: 'text/event-stream' }, 404: { description: 'no such run' } },
    },
    {
      method: 'get', path: '/runs/:id/errors.csv', params: runIdParams, summary: 'The error report: bad rows of the file and the run\'s failure (formula-safe CSV)',
      responses: { 200: csv, 404: { description: 'no such run' } },
    },
    {
      method: 'post', path: '/runs/:id/rollback', roles: ['staff'], params: runIdParams, body: rollbackBodySchema,
      summary: 'Delete what the run created and restore what it changed, as a `feishu.rollback` job (audited). Records already gone from Feishu count as deleted; a changed student gone is reported',
      responses: {
        200: { description: 'done (the request waited for the job)', schema: rollbackSchema },
        202: { description: '`wait: false`: the job, whose progress `GET /jobs/:id/events` streams', schema: rollbackAcceptedSchema },
        404: { description: 'no such run' }, 409: { description: 'running, already rolled back or being rolled back, a later run first, or not configured' },
        503: { description: 'the rollback stopped midway (asking again resumes it), or RabbitMQ did not take the job' },
      },
    },
    {
      method: 'post', path: '/test-connection', roles: ['staff'], summary: 'Credentials, access to both tables, and the fields the sync needs (missing or mistyped named)',
      responses: { 200: { description: 'the report', schema: connectionSchema }, ...unconfigured },
    },
    ...jobApi,
  ],
};
