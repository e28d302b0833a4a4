import type { ApiDocs } from '@doitcrm/kit';
import { alertRuleApiRoutes } from './alert-rule-api.ts';
import { previewSchema, templateListSchema, templateSchema } from '../../contract.ts';
import { previewBodySchema, savedPreviewBodySchema, templateBodySchema, templateIdParamsSchema, templateListQuerySchema } from './schemas.ts';

const oneTemplate = { 200: { description: 'the template', schema: templateSchema }, 404: { description: 'no such template' } };
const written = {
  400: { description: 'bad template text (the offending placeholder named), sample values for variables the text does not use, an unusable fallback' },
  409: { description: 'another template has this name' },
};
const preview = { 200: { description: 'the rendered message', schema: previewSchema }, 400: { description: 'values missing: `details` names each variable' } };

/** Every route of the dispatcher, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const dispatcherApi: ApiDocs = {
  title: 'DoitCRM 消息分发 — multi-channel dispatcher',
  description: 'Message templates per channel (SMS, e-mail, WeCom app and group robot, WeChat OA, Feishu bot, app webhook) with '
    + '`{{variable}}` placeholders; every value is escaped for its channel when rendered. Types are those of `services/dispatcher/src/contract.ts`.',
  routes: [
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
    ...alertRuleApiRoutes,
  ],
};
