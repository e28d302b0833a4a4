import { z } from 'zod';
import type { ApiDocs, ApiResponse } from '@doitcrm/kit';
import {
  classDetailSchema, commitAnswerSchema, importPageSchema, importPreviewSchema, namesakeSchema, nationalIdAnswerSchema, revealedPhoneSchema,
  rosterConfigInfoSchema, rosterStudentSchema, sectionNodeSchema, staffRefSchema, undoAnswerSchema,
} from '../../contract.ts';
import {
  createClassBody, idParams, includeInactiveQuery, mergeBody, moveBody, splitBody, updateClassBody, updateStudentBody,
} from './edit-schemas.ts';
import { commitBody, draftEditBody, importIdParams, importsQuery, kindField, settingsBody } from './import-schemas.ts';

const preview = { description: 'the preview: encoding, diff with changed fields, warnings with row and column, token', schema: importPreviewSchema };
const noImport = { description: 'no such import' };
const csv: Record<number, ApiResponse> = { 200: { description: 'the file (UTF-8 with BOM, formula-safe)', contentType: 'text/csv' } };
const done = { 204: { description: 'done' } };

/** Every route of the roster, declared once: /docs is generated from this, with the schemas the routes validate with. */
export const rosterApi: ApiDocs = {
  title: 'DoitCRM 花名册 — roster',
  description: 'Classes, pupils and guardians: CSV imports previewed, committed and undone exactly, and edits in place. '
    + 'Types are those of `services/roster/src/contract.ts`; children\'s ID numbers leave the server masked.',
  routes: [
    { method: 'get', path: '/config', summary: 'Upload limit (bytes), whether ID numbers are kept, known statuses', responses: { 200: { description: 'the settings', schema: rosterConfigInfoSchema } } },
    {
      method: 'put', path: '/settings', roles: ['admin'], body: settingsBody, summary: 'Keep children\'s national ID numbers from the enrolment CSV (off by default)',
      responses: { 200: { description: 'the setting, and what was purged when turned off', schema: z.object({ storeNationalId: z.boolean(), purged: z.record(z.string(), z.number()).nullable() }) } },
    },
    { method: 'get', path: '/imports', roles: ['staff'], query: importsQuery, summary: 'Import history, newest first, keyset pages', responses: { 200: { description: 'one page', schema: importPageSchema } } },
    {
      method: 'post', path: '/imports', roles: ['staff'], summary: 'Upload a CSV and get its preview (nothing in the roster is written)',
      upload: {
        description: 'the CSV (a class matrix or an enrolment list); blank cells never erase data',
        fields: { kind: kindField.describe('guessed from the header when absent') },
      },
      responses: {
        201: preview,
        400: { description: 'not a CSV, wrong layout, missing columns (named), malformed CSV (file, line)' },
        413: { description: 'larger than the stated limit' },
      },
    },
    {
      method: 'get', path: '/imports/:id', roles: ['staff'], params: importIdParams, summary: 'The preview again, re-diffed against the database now (audited)',
      responses: { 200: preview, 404: noImport },
    },
    { method: 'delete', path: '/imports/:id', roles: ['staff'], params: importIdParams, summary: 'Discard a preview (its draft is emptied)', responses: { 204: { description: 'discarded' } } },
    {
      method: 'patch', path: '/imports/:id/draft', roles: ['staff'], params: importIdParams, body: draftEditBody,
      summary: 'Edit the preview in place (the stored draft, not the database); answers the new preview', responses: { 200: preview, 404: noImport },
    },
    {
      method: 'post', path: '/imports/:id/commit', roles: ['staff'], params: importIdParams, body: commitBody,
      summary: 'Commit a preview in one transaction; 409 when the diff is no longer the one previewed (send its token)',
      responses: { 200: { description: 'the report', schema: commitAnswerSchema }, 404: noImport, 409: { description: 'the diff changed since the preview' } },
    },
    {
      method: 'post', path: '/imports/:id/undo', roles: ['staff'], params: importIdParams,
      summary: 'Undo a committed import exactly; 409 (naming the rows) when later imports or edits touched the same rows',
      responses: { 200: { description: 'what was put back', schema: undoAnswerSchema }, 404: noImport, 409: { description: 'names the rows changed since' } },
    },
    {
      method: 'get', path: '/hierarchy', query: includeInactiveQuery, summary: '段 → 阶 → 班级 with pupil counts',
      responses: { 200: { description: 'the tree', schema: z.array(sectionNodeSchema) } },
    },
    {
      method: 'get', path: '/staff', summary: 'Teachers, head teachers and advisors, with their WeCom user id when linked',
      responses: { 200: { description: 'the staff', schema: z.array(staffRefSchema) } },
    },
    {
      method: 'post', path: '/classes', roles: ['staff'], body: createClassBody, summary: 'Add a class',
      responses: { 201: { description: 'the class', schema: classDetailSchema } },
    },
    {
      method: 'get', path: '/classes/:id', params: idParams, summary: 'One class with its teachers',
      responses: { 200: { description: 'the class', schema: classDetailSchema }, 404: { description: 'no such class' } },
    },
    {
      method: 'patch', path: '/classes/:id', roles: ['staff'], params: idParams, body: updateClassBody,
      summary: 'Rename, move to another level, set teachers/schedule, deactivate (isActive false) or reactivate',
      responses: { 200: { description: 'the class', schema: classDetailSchema }, 404: { description: 'no such class' } },
    },
    {
      method: 'get', path: '/classes/:id/students', roles: ['staff'], params: idParams,
      summary: 'The class\'s pupils with status, address, guardians (phones masked), other classes; ID numbers masked (audited before it is sent)',
      responses: { 200: { description: 'the pupils', schema: z.array(rosterStudentSchema) }, 404: { description: 'no such class' } },
    },
    {
      method: 'post', path: '/contacts/:id/reveal', roles: ['staff'], params: idParams,
      summary: 'One guardian contact\'s whole phone number (each one shown is audited as roster.contact.reveal; never cached)',
      responses: { 200: { description: 'the number', schema: revealedPhoneSchema }, 404: { description: 'no such contact' } },
    },
    {
      method: 'patch', path: '/students/:id', roles: ['staff'], params: idParams, body: updateStudentBody,
      summary: 'Change a pupil (status 在读/休学/已退费/other; with classId also that enrolment\'s status)', responses: done,
    },
    { method: 'post', path: '/students/:id/move', roles: ['staff'], params: idParams, body: moveBody, summary: 'Move a pupil from one class to another', responses: done },
    {
      method: 'get', path: '/students/:id/national-id', roles: ['staff'], params: idParams,
      summary: 'One pupil\'s whole ID number (audited as roster.student.national_id.view before it is shown, never cached)',
      responses: { 200: { description: 'the number', schema: nationalIdAnswerSchema }, 404: { description: 'no number kept' }, 503: { description: 'the key is not set' } },
    },
    {
      method: 'get', path: '/students/:id/namesakes', roles: ['staff'], params: idParams, summary: 'Other records with the same name and their classes (merge candidates)',
      responses: { 200: { description: 'the namesakes', schema: z.array(namesakeSchema) } },
    },
    {
      method: 'post', path: '/students/:id/merge', roles: ['staff'], params: idParams, body: mergeBody,
      summary: 'This record is the same child as intoStudentId; enrolments, contacts and guardians move there and this one goes', responses: done,
    },
    {
      method: 'post', path: '/students/:id/split', roles: ['staff'], params: idParams, body: splitBody,
      summary: 'The enrolment in classId is a different child of the same name; it gets a student of its own',
      responses: { 201: { description: 'the new student', schema: z.object({ studentId: z.number() }) } },
    },
    { method: 'get', path: '/export/classes.csv', query: includeInactiveQuery, summary: 'Classes CSV', responses: csv },
    { method: 'get', path: '/export/students.csv', roles: ['staff'], query: includeInactiveQuery, summary: 'One row per pupil and class (audited)', responses: csv },
    { method: 'get', path: '/export/matrix.csv', roles: ['staff'], query: includeInactiveQuery, summary: 'The matrix layout back, importable as is (audited)', responses: csv },
  ],
};
