import { z } from 'zod';

const text = z.string().max(500);
export const importIdParams = z.object({ id: z.coerce.number().int().positive() });
export const importsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), before: z.coerce.number().int().positive().optional() });
export const kindField = z.enum(['matrix', 'enrolment']).optional();
export const commitBody = z.object({ token: z.string().min(1).max(100).optional() });
export const settingsBody = z.object({ storeNationalId: z.boolean() });

const classEdit = z.object({
  target: z.literal('class'),
  index: z.number().int().min(0),
  values: z.object({
    name: text, stage: text, roomId: text, teacher: text, headTeacher: text, startTime: text, endTime: text, courseProgress: text, promotion: text,
  }).partial().strict(),
});
const studentEdit = z.object({
  target: z.literal('student'),
  index: z.number().int().min(0),
  values: z.object({ name: text, englishName: text, status: text, className: text, school: text, address: text }).partial().strict(),
});
export const draftEditBody = z.object({ edits: z.array(z.discriminatedUnion('target', [classEdit, studentEdit])).min(1).max(500) });
