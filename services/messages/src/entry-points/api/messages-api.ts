import { z } from 'zod';
import { jobApi, type ApiDocs } from '@doitcrm/kit';
import {
  aggregateResponseSchema, filterOptionsSchema, filterUsersResponseSchema, messageContextResponseSchema, roomDetailSchema, roomMessagesResponseSchema,
  roomStatsSchema, roomTreeSchema, searchResponseSchema, searchUsersResponseSchema, summariesStatusSchema, summaryRecordSchema, summaryStartedSchema,
  userMessagesResponseSchema,
} from '../../contract.ts';
import {
  aggregateBody, commSummaryQuery, contextQuery, exportQuery, filterUsersBody, messageIdParams, roomIdParams, roomMessagesQuery, searchQuery,
  searchUsersQuery, summariesQuery, summaryBody, userMessagesQuery,
} from './schemas.ts';
import { summaryIdParams } from './summary-routes.ts';

const audited = 'Every read of messages is audited.';

/** Every route of the messages service, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const messagesApi: ApiDocs = {
  title: 'DoitCRM 消息 — chat archive reader',
  description: 'Reads the WeCom chat archive: people, groups, search, cohorts and AI summaries. Types are those of `services/messages/src/contract.ts`.',
  routes: [
    { method: 'get', path: '/search-users', query: searchUsersQuery, summary: 'People by name, nickname, id or child\'s name', responses: { 200: { description: 'the people', schema: searchUsersResponseSchema } } },
    {
      method: 'get', path: '/user-messages', query: userMessagesQuery, summary: 'A person\'s conversations in the window and one conversation\'s messages, newest first',
      description: audited, responses: { 200: { description: 'the person and one page', schema: userMessagesResponseSchema }, 404: { description: 'no such person' } },
    },
    {
      method: 'get', path: '/message-context/:msgid', params: messageIdParams, query: contextQuery, summary: 'A message with the messages around it in its conversation',
      description: audited, responses: { 200: { description: 'the message in context', schema: messageContextResponseSchema }, 404: { description: 'no such message' } },
    },
    { method: 'get', path: '/room-tree', summary: 'Class groups by 段 and 阶, and the other groups', responses: { 200: { description: 'the tree', schema: roomTreeSchema } } },
    { method: 'get', path: '/room-stats', summary: 'Group counts and today\'s and this week\'s messages', responses: { 200: { description: 'the counts', schema: roomStatsSchema } } },
    {
      method: 'get', path: '/room-messages', query: roomMessagesQuery, summary: 'A group\'s messages, newest first', description: audited,
      responses: { 200: { description: 'one page', schema: roomMessagesResponseSchema } },
    },
    {
      method: 'get', path: '/room-detail/:roomId', params: roomIdParams, summary: 'A group: its class, stats and members',
      responses: { 200: { description: 'the group', schema: roomDetailSchema }, 404: { description: 'no such group' } },
    },
    {
      method: 'get', path: '/search', query: searchQuery, summary: 'Messages containing a term, newest first (a one-character term needs a group, class or person)',
      description: audited, responses: { 200: { description: 'one page', schema: searchResponseSchema } },
    },
    { method: 'get', path: '/filter-options', summary: 'Sections, levels and classes to pick a cohort by', responses: { 200: { description: 'the options', schema: filterOptionsSchema } } },
    {
      method: 'post', path: '/filter-users', body: filterUsersBody, summary: 'People matching a cohort filter, with their message counts in the window',
      responses: { 200: { description: 'the people', schema: filterUsersResponseSchema } },
    },
    {
      method: 'post', path: '/aggregate-messages', body: aggregateBody,
      summary: 'A cohort\'s messages in the window: per person the newest N (sent, and 1:1 received), oldest first, and the transcript text',
      description: audited, responses: { 200: { description: 'the cohort\'s messages', schema: aggregateResponseSchema } },
    },
    {
      method: 'post', path: '/aggregate-messages/export', roles: ['staff'], body: aggregateBody, query: exportQuery,
      summary: 'The same aggregation as a download: CSV (BOM, formula-safe) or text; audited before it is sent',
      responses: { 200: { description: 'the file', contentType: 'text/csv' } },
    },
    {
      method: 'get', path: '/exports/parent-comm-summary.csv', roles: ['staff'], query: commSummaryQuery,
      summary: 'Per sender: total, text, 1:1 and group messages, first and last time; audited before it is sent',
      responses: { 200: { description: 'the file', contentType: 'text/csv' } },
    },
    { method: 'get', path: '/summaries/status', summary: 'Whether AI summaries are on; when off, the settings to add', responses: { 200: { description: 'the status', schema: summariesStatusSchema } } },
    {
      method: 'post', path: '/summaries', roles: ['staff'], body: summaryBody,
      summary: 'Queue a summary (job messages.summarize); follow /api/summaries/{summaryId}/events for the text as it streams',
      responses: {
        202: { description: 'the summary and its job', schema: summaryStartedSchema },
        409: { description: 'summaries are off, or no bot for this mode' },
        503: { description: 'the job queue is unreachable' },
      },
    },
    {
      method: 'get', path: '/summaries', query: summariesQuery, summary: 'Summary history (with inputs), newest first', description: audited,
      responses: { 200: { description: 'the summaries', schema: z.object({ items: z.array(summaryRecordSchema) }) } },
    },
    {
      method: 'get', path: '/summaries/:id', params: summaryIdParams, summary: 'One summary with its inputs and text', description: audited,
      responses: { 200: { description: 'the summary', schema: summaryRecordSchema }, 404: { description: 'no such summary' } },
    },
    {
      method: 'get', path: '/summaries/:id/events', params: summaryIdParams, summary: 'The summary as server-sent `summary` events (the text so far) until it finishes',
      description: audited, responses: { 200: { description: 'one `summary` event per change', contentType: 'text/event-stream' }, 404: { description: 'no such summary' } },
    },
    ...jobApi,
  ],
};
