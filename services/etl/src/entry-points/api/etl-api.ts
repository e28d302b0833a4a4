import { jobApi, type ApiDocs } from '@doitcrm/kit';
import {
  conflictModeSchema, etlConfigInfoSchema, etlStatsSchema, importAcceptedSchema, importRunSchema, pageSchema, quarantineItemSchema,
} from '../../contract.ts';
import { quarantineQuery, runIdParams, runsQuery } from './etl-routes.ts';

/** Every route of the ETL service, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const etlApi: ApiDocs = {
  title: 'DoitCRM ETL — 聊天归档导入',
  description: 'Loads decrypted WeCom chat-archive JSONL files into `chat.messages`, the one table every service reads. Times are ISO 8601 with offset.',
  routes: [
    { method: 'get', path: '/config', summary: 'Upload limits', responses: { 200: { description: 'the limits', schema: etlConfigInfoSchema } } },
    {
      method: 'get', path: '/stats', summary: 'Archive totals, newest message time, seq high-water mark and gaps, last run',
      responses: { 200: { description: 'the stats', schema: etlStatsSchema } },
    },
    {
      method: 'get', path: '/runs', query: runsQuery, summary: 'Import runs, newest first (keyset pagination: `before` is the previous nextCursor)',
      responses: { 200: { description: 'one page', schema: pageSchema(importRunSchema) } },
    },
    {
      method: 'get', path: '/runs/:id', params: runIdParams, summary: 'One run',
      responses: { 200: { description: 'the run', schema: importRunSchema }, 404: { description: 'no such run' } },
    },
    {
      method: 'get', path: '/runs/:id/quarantine', roles: ['staff'], params: runIdParams, query: quarantineQuery,
      summary: 'Lines of a run that could not be loaded, by line number (chat records: every look is audited)',
      responses: { 200: { description: 'one page', schema: pageSchema(quarantineItemSchema) }, 404: { description: 'no such run' } },
    },
    {
      method: 'get', path: '/runs/:id/quarantine.jsonl', roles: ['staff'], params: runIdParams, summary: 'Download the quarantined lines as they were, one per line (audited)',
      responses: { 200: { description: 'the file', contentType: 'application/x-ndjson' }, 404: { description: 'no such run' } },
    },
    {
      method: 'get', path: '/runs/:id/report', roles: ['staff'], params: runIdParams,
      summary: 'Download the report of a migration from an original DoitCRM database (audited)',
      responses: { 200: { description: 'the report', contentType: 'application/json' }, 404: { description: 'no such run, or not a migration' } },
    },
    {
      method: 'post', path: '/imports', roles: ['staff'], summary: 'Upload an archive file; the etl.import job imports it',
      upload: {
        description: 'the archive file (.jsonl, .json, .txt, optionally gzipped) and how to treat messages already stored',
        fields: { conflict: conflictModeSchema.default('skip') },
      },
      responses: {
        202: { description: 'the job to follow', schema: importAcceptedSchema },
        400: { description: 'no file, or a bad conflict mode' },
        413: { description: 'the file is larger than the limit' },
        503: { description: 'the job queue is unreachable' },
      },
    },
    ...jobApi,
  ],
};
