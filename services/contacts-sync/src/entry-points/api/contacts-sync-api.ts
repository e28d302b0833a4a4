import { jobApi, type ApiDocs } from '@doitcrm/kit';
import {
  contactDetailSchema, contactFilterSchema, contactListSchema, syncAcceptedSchema, syncStartQuerySchema, syncStatusSchema, syncTestSchema,
} from '../../contract.ts';
import { contactIdParams } from './contact-routes.ts';

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
      method: 'get', path: '/contacts', query: contactFilterSchema, summary: 'Customers with their follow relations, keyset-paged (audited read; phones masked)',
      responses: { 200: { description: 'a page', schema: contactListSchema } },
    },
    {
      method: 'get', path: '/contacts/:id', params: contactIdParams, summary: 'One customer with relations and groups (audited read; phones masked)',
      responses: { 200: { description: 'the customer', schema: contactDetailSchema }, 404: { description: 'no such customer' } },
    },
    ...jobApi,
  ],
};
