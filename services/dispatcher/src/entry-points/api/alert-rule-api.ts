import type { ApiDocs } from '@doitcrm/kit';
import { alertRuleBodySchema, alertRuleIdParamsSchema, alertRuleListSchema, alertRuleSchema } from '../../contract.ts';

const oneRule = { 200: { description: 'the rule', schema: alertRuleSchema }, 404: { description: 'no such rule' } };
const written = {
  400: { description: 'a field out of range, or a template that is missing, inactive or needs a variable an alert does not have (named)' },
  409: { description: 'another rule has this name' },
};

/** The alert rules' routes, for the generated /docs (dispatcher-api.ts spreads them into its list). */
export const alertRuleApiRoutes: ApiDocs['routes'] = [
  { method: 'get', path: '/alert-rules', summary: 'Alert rules: which raised alerts go out with which template to whom', responses: { 200: { description: 'the rules', schema: alertRuleListSchema } } },
  { method: 'get', path: '/alert-rules/:id', params: alertRuleIdParamsSchema, summary: 'One alert rule', responses: oneRule },
  {
    method: 'post', path: '/alert-rules', roles: ['staff'], body: alertRuleBodySchema,
    summary: 'Create an alert rule (audited); its template may use title, kind, severity, class, evidence_url, count',
    responses: { 201: { description: 'the rule', schema: alertRuleSchema }, ...written },
  },
  { method: 'put', path: '/alert-rules/:id', roles: ['staff'], params: alertRuleIdParamsSchema, body: alertRuleBodySchema, summary: 'Replace an alert rule (audited with before/after)', responses: { ...oneRule, ...written } },
  { method: 'delete', path: '/alert-rules/:id', roles: ['staff'], params: alertRuleIdParamsSchema, summary: 'Delete an alert rule (audited)', responses: { 204: { description: 'deleted' }, 404: { description: 'no such rule' } } },
];
