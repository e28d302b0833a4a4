import { z } from 'zod';

/** `?includeInactive=true` adds the deactivated classes (the hierarchy, the CSV exports). */
export const includeInactiveQuery = z.object({ includeInactive: z.enum(['true', 'false']).default('false') });
export const idParams = z.object({ id: z.coerce.number().int().positive() });

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().transform((v) => (v === '' ? null : v));
const classFields = {
  name: z.string().trim().min(1).max(100),
  levelId: z.number().int().positive(),
  roomId: optionalText(200),
  teacherStaffId: z.number().int().positive().nullable().optional(),
  headTeacherStaffId: z.number().int().positive().nullable().optional(),
  startTime: optionalText(100),
  endTime: optionalText(100),
  courseProgress: optionalText(500),
  promotion: optionalText(500),
  maxStudents: z.number().int().min(0).max(1000).nullable().optional(),
};
export const createClassBody = z.object(classFields).strict();
export const updateClassBody = z.object({ ...classFields, isActive: z.boolean() }).partial().strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'no field to change' });
export const updateStudentBody = z.object({
  name: z.string().trim().min(1).max(100), englishName: optionalText(100), status: z.string().trim().min(1).max(20),
  school: optionalText(200), address: optionalText(500), classId: z.number().int().positive(),
}).partial().strict().refine((body) => Object.keys(body).length > 0, { message: 'no field to change' });
export const moveBody = z.object({ fromClassId: z.number().int().positive(), toClassId: z.number().int().positive() }).strict();
export const mergeBody = z.object({ intoStudentId: z.number().int().positive() }).strict();
export const splitBody = z.object({ classId: z.number().int().positive() }).strict();
