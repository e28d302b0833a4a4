import type { ApiDocs } from '@doitcrm/kit';
import { alertRuleApiRoutes } from './alert-rule-api.ts';
import { previewSchema, sendAcceptedSchema, templateListSchema, templateSchema } from '../../contract.ts';
import { monitorApiRoutes } from './monitor-api-docs.ts';
import { receiptApiRoutes } from './receipt-api-docs.ts';
import { MAX_BATCH_RECIPIENTS, SEND_BATCH_JSON_LIMIT, SEND_JSON_LIMIT, sendBatchBodySchema, sendBodySchema, previewBodySchema, savedPreviewBodySchema, templateBodySchema, templateIdParamsSchema, templateListQuerySchema } from './schemas.ts';

const oneTemplate = { 200: { description: 'the template', schema: templateSchema }, 404: { description: 'no such template' } };
const written = {
  400: { description: 'bad template text (the offending placeholder named), sample values for variables the text does not use, an unusable fallback' },
  409: { description: 'another template has this name' },
};
const preview = { 200: { description: 'the rendered message', schema: previewSchema }, 400: { description: 'values missing: `details` names each variable' } };

const IDEMPOTENCY = 'Send header `Idempotency-Key` (1–255 printable ASCII characters, per signed-in user, kept 24 h) to make a retry safe: '
  + 'the same key with the same body answers the stored response (status and body) without writing again; with another body 422; '
  + 'while the first request is still running 409 with `Retry-After`.';
const sent = {
  202: { description: 'accepted: written with their outbox rows in one transaction (queued now, or held until `dueAt`)', schema: sendAcceptedSchema },
  400: { description: 'template missing or inactive, a recipient not shaped for the channel, a value missing (field and recipient index named), priority, send_at' },
  409: { description: 'the same Idempotency-Key is still in flight (Retry-After says when to ask again)' },
  422: { description: 'the Idempotency-Key was used for another request' },
};

/** Every route of the dispatcher, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const dispatcherApi: ApiDocs = {
  title: 'DoitCRM 消息分发 — multi-channel dispatcher',
  description: 'Message templates per channel (SMS, e-mail, WeCom app and group robot, WeChat OA, Feishu bot, app webhook) with '
    + '`{{variable}}` placeholders; every value is escaped for its channel when rendered. Types are those of `services/dispatcher/src/contract.ts`.',
  routes: [
    {
      method: 'post', path: '/messages/send', roles: ['staff'], body: sendBodySchema,
      summary: 'Send one message from a template (audited)',
      description: `Queued at once, or held in PostgreSQL until send_at or the end of the quiet hours (priority ≥ 9 passes them). Body limit ${SEND_JSON_LIMIT}. ${IDEMPOTENCY}`,
      responses: { ...sent, 413: { description: `body past ${SEND_JSON_LIMIT}` } },
    },
    {
      method: 'post', path: '/messages/send-batch', roles: ['staff'], body: sendBatchBodySchema,
      summary: `Send one template to up to ${MAX_BATCH_RECIPIENTS} recipients (audited)`,
      description: `Rows are written set-based in one transaction; trace ids come back in recipient order. Body limit ${SEND_BATCH_JSON_LIMIT} (413 past it). ${IDEMPOTENCY}`,
      responses: { ...sent, 413: { description: `body past ${SEND_BATCH_JSON_LIMIT}` } },
    },
    {
      method: 'get', path: '/templates', query: templateListQuerySchema, summary: 'Templates, by channel then name',
      responses: { 200: { description: 'the templates', schema: templateListSchema } },
    },
    { method: 'get', path: '/templates/:id', params: templateIdParamsSchema, summary: 'One template', responses: oneTemplate },
    {
      method: 'post', path: '/templates', roles: ['staff'], body: templateBodySchema, summary: 'Create a template; its variables are derived from subject and body (audited)',
      responses: { 201: { description: 'the template', schema: templateSchema }, ...written },
    },
    {
      method: 'put', path: '/templates/:id', roles: ['staff'], params: templateIdParamsSchema, body: templateBodySchema,
      summary: 'Replace a template (audited with before/after); refused when a template falling back to it would lack a variable',
      responses: { ...oneTemplate, ...written },
    },
    {
      method: 'delete', path: '/templates/:id', roles: ['staff'], params: templateIdParamsSchema, summary: 'Delete a template no message was sent with (audited)',
      responses: { 204: { description: 'deleted' }, 404: { description: 'no such template' }, 409: { description: 'messages were sent with it: deactivate it instead' } },
    },
    { method: 'post', path: '/templates/:id/activate', roles: ['staff'], params: templateIdParamsSchema, summary: 'Accept sends again (audited)', responses: oneTemplate },
    { method: 'post', path: '/templates/:id/deactivate', roles: ['staff'], params: templateIdParamsSchema, summary: 'Refuse new sends (audited)', responses: oneTemplate },
    {
      method: 'post', path: '/templates/preview', body: previewBodySchema, summary: 'Render unsaved template text with values (the editor\'s live preview)',
      responses: preview,
    },
    {
      method: 'post', path: '/templates/:id/preview', params: templateIdParamsSchema, body: savedPreviewBodySchema,
      summary: 'Render a saved template with values (default its sample values)', responses: { ...preview, 404: { description: 'no such template' } },
    },
    ...monitorApiRoutes,
    ...alertRuleApiRoutes,
    ...receiptApiRoutes,
  ],
};
