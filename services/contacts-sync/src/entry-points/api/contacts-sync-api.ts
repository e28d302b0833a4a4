import { jobApi, type ApiDocs } from '@doitcrm/kit';
import { z } from 'zod';
import {
  alertsSchema, healthSchema, metricsQuerySchema, metricsSchema,
  contactDetailSchema, contactFilterOptionsSchema, contactFilterSchema, contactListSchema, scheduleSettingsBodySchema, scheduleSettingsSchema, syncAcceptedSchema, syncStartQuerySchema, syncStatusSchema, syncTestSchema,
} from '../../contract.ts';
import { contactIdParams } from './contact-routes.ts';

const callbackQuery = z.object({ msg_signature: z.string(), timestamp: z.string(), nonce: z.string() });

const unconfigured = { 409: { description: 'WeCom is not configured (WECOM_CORP_ID / WECOM_SECRET)' } };

/** Every route of contacts-sync, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const contactsSyncApi: ApiDocs = {
  title: 'DoitCRM 客户同步 — WeCom external contacts sync',
  description: 'Full and incremental syncs of WeCom customers, follow relations, staff and customer groups into schema `contacts`. '
    + 'A run is a job (`/api/jobs/:id/events` streams its progress); one run at a time. Types are those of `services/contacts-sync/src/contract.ts`.',
  routes: [
    {
      method: 'post', path: '/v1/wecom/sync/contacts', roles: ['staff'], query: syncStartQuerySchema,
      summary: 'Start a sync run (audited)',
      description: 'full: every member via user/get and every group via groupchat/get; incremental (the periodic pass): only new members and '
        + 'groups are read in detail, relations are compared for every member. A run after one that stopped midway resumes its pass.',
      responses: {
        202: { description: 'queued as a job', schema: syncAcceptedSchema },
        409: { description: 'a run is active (force=true replaces it only when it is dead), or WeCom is not configured' },
        503: { description: 'RabbitMQ did not take the job' },
      },
    },
    {
      method: 'get', path: '/v1/wecom/sync/status', summary: 'The run going on (with its job progress), the last good run, the latest runs',
      responses: { 200: { description: 'status', schema: syncStatusSchema } },
    },
    {
      method: 'post', path: '/v1/wecom/sync/test', roles: ['staff'],
      summary: 'Call WeCom as a sync would, write nothing: what answered, how many members / customers / groups, the likely cause of an empty answer',
      responses: { 200: { description: 'the report', schema: syncTestSchema }, ...unconfigured },
    },
    {
      method: 'get', path: '/v1/wecom/sync/schedules',
      summary: 'The schedules in force (hourly incremental, daily full, weekly clean-up; Beijing time) with their next runs',
      responses: { 200: { description: 'the schedules', schema: scheduleSettingsSchema } },
    },
    {
      method: 'put', path: '/v1/wecom/sync/schedules', roles: ['staff'], body: scheduleSettingsBodySchema,
      summary: 'Save the three schedules (audited); every instance re-arms within CONTACTS_SCHEDULE_POLL_MS',
      responses: {
        200: { description: 'the schedules now in force', schema: scheduleSettingsSchema },
        400: { description: 'a value out of range; each detail names the field in Chinese' },
      },
    },
    {
      method: 'get', path: '/contacts', query: contactFilterSchema, summary: 'Customers with their follow relations, keyset-paged (audited read; phones masked)',
      responses: { 200: { description: 'a page', schema: contactListSchema } },
    },
    {
      method: 'get', path: '/contact-filters', summary: 'What the customer browser filters by: members with customers, the tags relations carry',
      responses: { 200: { description: 'the options', schema: contactFilterOptionsSchema } },
    },
    {
      method: 'get', path: '/contacts/:id', params: contactIdParams, summary: 'One customer with relations and groups (audited read; phones masked)',
      responses: { 200: { description: 'the customer', schema: contactDetailSchema }, 404: { description: 'no such customer' } },
    },
    {
      method: 'get', path: '/v1/wecom/callback', public: true, query: callbackQuery.extend({ echostr: z.string() }),
      summary: 'WeCom URL verification (signature-authenticated, no session)',
      description: 'Verifies msg_signature, decrypts echostr and answers its plaintext exactly (text/plain, no quotes or newline). Off (404) until WECOM_TOKEN, WECOM_ENCODING_AES_KEY and WECOM_CORP_ID are set.',
      responses: { 200: { description: 'the decrypted echostr' }, 400: { description: 'refused (signature, receive_id, stale, malformed)' }, 404: { description: 'callbacks not configured' } },
    },
    {
      method: 'post', path: '/v1/wecom/callback', public: true, query: callbackQuery,
      summary: 'A WeCom event (signature-authenticated, no session)',
      description: 'The encrypted <xml> envelope (≤ 64 KB). Verified, stored once per decrypted body, answered 200; applied afterwards by the inbox poller.',
      responses: {
        200: { description: 'stored (or already stored)' }, 400: { description: 'refused: signature, receive_id, stale, malformed or replay; nothing stored' },
        413: { description: 'body over 64 KB' }, 404: { description: 'callbacks not configured' },
      },
    },
    {
      method: 'get', path: '/v1/wecom/monitor/health', summary: 'Health score 0–100 over 7 days: success rate, consistency, error rate, delay, each with its inputs',
      responses: { 200: { description: 'the score', schema: healthSchema } },
    },
    {
      method: 'get', path: '/v1/wecom/monitor/metrics', query: metricsQuerySchema, summary: 'Daily figures (runs, WeCom calls, errors, callbacks, apply delay) for 1–30 days',
      responses: { 200: { description: 'the days, oldest first, and their totals', schema: metricsSchema } },
    },
    {
      method: 'get', path: '/v1/wecom/monitor/alerts',
      summary: 'Alerts in force (score < 60 critical; > 5 errors today; no good run for > 2 h); each published once a day as alert.raised',
      responses: { 200: { description: 'the alerts', schema: alertsSchema } },
    },
    ...jobApi,
  ],
};
