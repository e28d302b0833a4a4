/**
 * The JSON the roster API answers with: one definition for the server, the page (`web/`, types only), the tests and
 * `/docs`. Zod schemas, each type inferred from its schema; the import's draft, diff and report stay the domain's own
 * types (domain/), carried here as typed opaque values. Times are ISO 8601 with offset; children's ID numbers only
 * ever leave the server masked.
 */
import { z } from 'zod';
import type { CommitReport } from './domain/commit-import.ts';
import type { AbsentEnrolment, ActionCounts, ClassDiff, DiffAction, FieldChange, RosterDiff, StudentDiff } from './domain/diff-types.ts';
import type { CellRef, DraftClass, DraftStudent, ImportKind, ImportWarning } from './domain/draft.ts';

export type { AbsentEnrolment, ActionCounts, CellRef, ClassDiff, CommitReport, DiffAction, DraftClass, DraftStudent, FieldChange, ImportKind, ImportWarning, RosterDiff, StudentDiff };
export type { SkippedRow } from './domain/commit-import.ts';
export type { DraftEdit, ClassEdit, StudentEdit } from './domain/edit-draft.ts';

/** A value whose shape is a domain type: checked by TypeScript, described in /docs by where to read it. */
const domainShape = <T>(where: string) => z.custom<T>().meta({ description: `see ${where}` });

export const importStatusSchema = z.enum(['previewed', 'committed', 'undone', 'discarded']);
export type ImportStatus = z.infer<typeof importStatusSchema>;

export const importSummarySchema = z.object({
  id: z.number(),
  kind: z.enum(['matrix', 'enrolment'] satisfies ImportKind[]),
  fileName: z.string(),
  fileSize: z.number(),
  encoding: z.string(),
  encodingLabel: z.string().describe('e.g. "GBK / GB18030"'),
  status: importStatusSchema,
  createdAt: z.string(),
  createdByName: z.string().nullable(),
  committedAt: z.string().nullable(),
  committedByName: z.string().nullable(),
  undoneAt: z.string().nullable(),
  undoneByName: z.string().nullable(),
  report: domainShape<CommitReport>('services/roster/src/domain/commit-import.ts (CommitReport)').nullable(),
}).meta({ id: 'ImportSummary' });
export type ImportSummary = z.infer<typeof importSummarySchema>;

export const importPreviewSchema = z.object({
  import: importSummarySchema,
  classes: z.array(domainShape<DraftClass>('services/roster/src/domain/draft.ts (DraftClass)')),
  students: z.array(domainShape<Omit<DraftStudent, 'sealedNationalId'>>('services/roster/src/domain/draft.ts (DraftStudent; nationalId masked)')),
  ignoredCells: z.number(),
  diff: domainShape<RosterDiff>('services/roster/src/domain/diff-types.ts (RosterDiff)'),
  token: z.string().describe('send back with the commit: the server refuses when its own diff no longer matches'),
  previouslyCommitted: z.object({ id: z.number(), committedAt: z.string() }).nullable().describe('the same file (byte for byte) was committed before'),
}).meta({ id: 'ImportPreview' });
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importPageSchema = z.object({ items: z.array(importSummarySchema), nextCursor: z.number().nullable() });
export type ImportPage = z.infer<typeof importPageSchema>;

/** `POST /api/imports/:id/commit`: the report and the import as it now is. */
export const commitAnswerSchema = z.object({ report: domainShape<CommitReport>('services/roster/src/domain/commit-import.ts (CommitReport)'), import: importSummarySchema });

export const rosterConfigInfoSchema = z.object({ maxUploadBytes: z.number(), storeNationalId: z.boolean(), statuses: z.array(z.string()) });
export type RosterConfigInfo = z.infer<typeof rosterConfigInfoSchema>;

export const levelNodeSchema = z.object({
  id: z.number(),
  name: z.string(),
  classes: z.array(z.object({ id: z.number(), name: z.string(), roomId: z.string().nullable(), isActive: z.boolean(), studentCount: z.number() })),
});
export type LevelNode = z.infer<typeof levelNodeSchema>;
export const sectionNodeSchema = z.object({ id: z.number(), name: z.string(), levels: z.array(levelNodeSchema) });
export type SectionNode = z.infer<typeof sectionNodeSchema>;

export const staffRefSchema = z.object({
  id: z.number(),
  name: z.string(),
  role: z.string(),
  wecomUserId: z.string().nullable().describe('the WeCom user id this person is linked to, when one matched'),
}).meta({ id: 'StaffRef' });
export type StaffRef = z.infer<typeof staffRefSchema>;

export const classDetailSchema = z.object({
  id: z.number(),
  name: z.string(),
  roomId: z.string().nullable(),
  levelId: z.number(),
  levelName: z.string(),
  sectionName: z.string(),
  teacher: staffRefSchema.nullable(),
  headTeacher: staffRefSchema.nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  courseProgress: z.string().nullable(),
  promotion: z.string().nullable(),
  maxStudents: z.number().nullable(),
  isActive: z.boolean(),
  updatedAt: z.string(),
}).meta({ id: 'ClassDetail' });
export type ClassDetail = z.infer<typeof classDetailSchema>;

export const rosterStudentSchema = z.object({
  id: z.number(),
  name: z.string(),
  englishName: z.string().nullable(),
  status: z.string().describe('the student\'s own status'),
  enrolmentStatus: z.string().describe('status in this class'),
  school: z.string().nullable(),
  address: z.string().nullable(),
  nationalIdMasked: z.string().nullable(),
  contacts: z.array(z.object({ id: z.number(), name: z.string().nullable(), relation: z.string().nullable(), phoneMasked: z.string().nullable() }))
    .describe('guardians\' numbers masked (138****5678); staff see one whole through POST /api/contacts/{id}/reveal, audited'),
  otherClasses: z.array(z.object({ id: z.number(), name: z.string() })),
});
export type RosterStudent = z.infer<typeof rosterStudentSchema>;

/** `POST /api/contacts/{id}/reveal`: one guardian's whole phone number, for a staff member who asked for it */
export const revealedPhoneSchema = z.object({ id: z.number(), studentId: z.number(), phone: z.string().nullable() });
export type RevealedPhone = z.infer<typeof revealedPhoneSchema>;

/** `GET /api/students/{id}/namesakes`: other records with the same name, to merge into */
export const namesakeSchema = z.object({ id: z.number(), name: z.string(), status: z.string(), classes: z.array(z.string()) });
export type Namesake = z.infer<typeof namesakeSchema>;

/** `POST /api/imports/:id/undo`: what was put back, and the import as it now is. */
export const undoAnswerSchema = z.object({ restored: z.number(), nationalIdsRemoved: z.number(), import: importSummarySchema });

/** `GET /api/students/{id}/national-id`: one pupil's whole ID number. */
export const nationalIdAnswerSchema = z.object({ studentId: z.number(), nationalId: z.string() });
