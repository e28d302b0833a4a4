import type { ApiRoute } from '@doitcrm/kit';
import { configEntrySchema, configListSchema, messagePageSchema, overviewSchema, realtimeSchema, retryResultSchema, traceSchema } from '../../contract.ts';
import {
  configBodySchema, configKeyParamsSchema, messageIdParamsSchema, messageQuerySchema, overviewQuerySchema, retryFailedBodySchema, traceParamsSchema,
} from './monitor-schemas.ts';

const retried = { 200: { description: 'how many failed messages went back to the queue', schema: retryResultSchema } };

/** The monitor's routes as /docs lists them (dispatcher-api.ts adds them to the service's). */
export const monitorApiRoutes: ApiRoute[] = [
  {
    method: 'get', path: '/config/configs', summary: 'Every hot-configuration key: the value in force, its default, version, who changed it and when',
    responses: { 200: { description: 'the keys', schema: configListSchema } },
  },
  {
    method: 'put', path: '/config/configs/:key', roles: ['admin'], params: configKeyParamsSchema, body: configBodySchema,
    summary: 'Change a key (validated, audited with before/after, version + 1); every worker applies it within seconds. Send the version read as `version` or `If-Match`',
    responses: {
      200: { description: 'the key as now in force (ETag: its version)', schema: configEntrySchema },
      400: { description: 'the value does not fit the key: `details` names every problem (field `value.<path>`)' },
      404: { description: 'no such key' },
      409: { description: 'someone changed the key since that version: reload and redo' },
    },
  },
  {
    method: 'get', path: '/messages', query: messageQuerySchema,
    summary: 'Messages newest first by recipient / template / status / batch / time, keyset-paginated (recipients masked for viewers)',
    responses: { 200: { description: 'one page', schema: messagePageSchema } },
  },
  {
    method: 'get', path: '/messages/traces/:traceId', params: traceParamsSchema,
    summary: 'One message, its template and its trace events in order (the read is audited; viewers see the recipient masked and no values)',
    responses: { 200: { description: 'the trace', schema: traceSchema }, 404: { description: 'no message with this trace id' } },
  },
  {
    method: 'post', path: '/messages/:id/retry', roles: ['staff'], params: messageIdParamsSchema, summary: 'Send a failed message again (audited)',
    responses: { ...retried, 404: { description: 'no such message' }, 409: { description: 'the message has not failed' } },
  },
  {
    method: 'post', path: '/messages/retry-failed', roles: ['staff'], body: retryFailedBodySchema,
    summary: 'Send every failed message of a batch or of a template again, in one transaction (audited)', responses: retried,
  },
  {
    method: 'get', path: '/messages/statistics/overview', query: overviewQuerySchema,
    summary: 'Sent, failed, success rate and latency p50/p95/p99 for Beijing days (default today), per channel, with the 7-day trend',
    responses: { 200: { description: 'the statistics', schema: overviewSchema } },
  },
  {
    method: 'get', path: '/messages/statistics/realtime', summary: 'Last minute and 5 minutes, queue depths, worker utilisation, backlog',
    responses: { 200: { description: 'now', schema: realtimeSchema } },
  },
];
