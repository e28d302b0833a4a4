import { jobApi, type ApiDocs } from '@doitcrm/kit';
import {
  bulkChangeResultSchema, classOptionSchema, extractStartedSchema, itemListSchema, jobStartedSchema, mapperStatsSchema, mappingPageSchema,
  roomMappingSchema, studentOptionSchema, suggestionPageSchema, userGroupSchema, userMappingSchema, wecomStatusSchema,
} from '../../contract.ts';
import {
  bulkChangeSchema, classesQuery, classIdParams, classRoomSchema, idTypeParams, mappingChangeSchema, mappingParams, mappingQuerySchema, studentsQuery,
  userIdParams,
} from './mapping-schemas.ts';
import { suggestionQuery } from './suggestion-routes.ts';
import { fetchNamesBody } from './wecom-routes.ts';

const mapping = userMappingSchema.or(roomMappingSchema);

/** Every route of the mapper, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const mapperApi: ApiDocs = {
  title: 'DoitCRM 映射 — WeCom id workbench',
  description: 'Turns WeCom ids into people, roles, students and classes. Types are those of `services/mapper/src/contract.ts`.',
  routes: [
    { method: 'get', path: '/stats', summary: 'Counts of rooms and users, mapped or not, by role, kind and name status', responses: { 200: { description: 'the counts', schema: mapperStatsSchema } } },
    {
      method: 'post', path: '/extract', roles: ['staff'], summary: 'Extract every id of the whole archive (never overwrites), as a job walking month by month',
      description: 'Follow the job at /api/jobs/{jobId} or its SSE stream; its result is {seenIds, newIds, activityRows}. A job already running is returned instead of a second one.',
      responses: { 202: { description: 'the job', schema: extractStartedSchema }, 503: { description: 'the job queue is unreachable' } },
    },
    {
      method: 'get', path: '/mappings.csv', roles: ['staff'], query: idTypeParams.extend(mappingQuerySchema.shape),
      summary: 'CSV (UTF-8 with BOM, formula-safe) of every mapping matching the filters; audited before it is sent',
      responses: { 200: { description: 'the file', contentType: 'text/csv' }, 503: { description: 'the audit row could not be written; nothing was sent' } },
    },
    {
      method: 'get', path: '/mappings/:idType', params: idTypeParams, query: mappingQuerySchema, summary: 'Mappings, newest activity first, keyset pages',
      responses: { 200: { description: 'one page', schema: mappingPageSchema(mapping) } },
    },
    {
      method: 'put', path: '/mappings/:idType/:originalId', roles: ['staff'], params: mappingParams, body: mappingChangeSchema,
      summary: 'Change one mapping (only the fields sent change; students replaces the set)',
      responses: { 200: { description: 'the updated mapping', schema: mapping }, 404: { description: 'no such id' } },
    },
    {
      method: 'post', path: '/mappings/bulk', roles: ['staff'], body: bulkChangeSchema, summary: 'The same change to many ids, all or nothing',
      responses: { 200: { description: 'how many changed, and which fields', schema: bulkChangeResultSchema } },
    },
    { method: 'get', path: '/classes', query: classesQuery, summary: 'Active classes, in 段 阶 order', responses: { 200: { description: 'the classes', schema: itemListSchema(classOptionSchema) } } },
    {
      method: 'put', path: '/classes/:id/room', roles: ['staff'], params: classIdParams, body: classRoomSchema,
      summary: 'Link a class to its WeCom group (null unlinks); 409 when the group belongs to another class unless force',
      responses: { 200: { description: 'the class', schema: classOptionSchema }, 404: { description: 'no such class' }, 409: { description: 'names the class that owns the group' } },
    },
    { method: 'get', path: '/students', query: studentsQuery, summary: 'Roster students with their classes', responses: { 200: { description: 'the students', schema: itemListSchema(studentOptionSchema) } } },
    {
      method: 'get', path: '/user-groups/:userId', params: userIdParams, summary: 'Groups a person spoke or listened in',
      responses: { 200: { description: 'the groups', schema: itemListSchema(userGroupSchema) } },
    },
    {
      method: 'get', path: '/suggestions', query: suggestionQuery, summary: 'Role, student and class suggestions, best first (never applied by themselves)',
      responses: { 200: { description: 'one page', schema: suggestionPageSchema } },
    },
    {
      method: 'post', path: '/fetch-names', roles: ['staff'], body: fetchNamesBody, summary: 'Fetch WeCom names for every id matching a filter (job mapper.fetch-names)',
      responses: { 202: { description: 'the job', schema: jobStartedSchema }, 409: { description: 'WeCom is not configured' } },
    },
    { method: 'get', path: '/wecom/status', summary: 'Whether WeCom is configured (never the secrets)', responses: { 200: { description: 'the set-up', schema: wecomStatusSchema } } },
    {
      method: 'get', path: '/wecom/test-connection', roles: ['staff'], summary: 'What exactly is wrong with the WeCom connection, if anything (audited)',
      responses: { 200: { description: 'the result with a hint (ConnectionTestResult of packages/wecom)' }, 409: { description: 'WeCom is not configured' } },
    },
    ...jobApi,
  ],
};
