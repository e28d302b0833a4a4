import { z } from 'zod';
import { GUARDIAN_RELATIONS, ID_KINDS, PERSON_ROLES } from '@doitcrm/types';

export const idTypeParam = z.enum(['user_id', 'room_id']);
const beijingDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const idTypeParams = z.object({ idType: idTypeParam });
export const mappingParams = z.object({ idType: idTypeParam, originalId: z.string().min(1).max(200) });
export const classIdParams = z.object({ id: z.coerce.number().int().positive() });
export const userIdParams = z.object({ userId: z.string().min(1).max(200) });

export const mappingQuerySchema = z.object({
  keyword: z.string().trim().min(1).max(100).optional(),
  state: z.enum(['mapped', 'unmapped']).optional(),
  role: z.enum([...PERSON_ROLES, 'none']).optional(),
  idKind: z.enum(ID_KINDS).optional(),
  nameStatus: z.enum(['pending', 'resolved', 'unresolvable']).optional(),
  room: z.string().trim().min(1).max(200).optional(),
  from: beijingDate.optional(),
  to: beijingDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
}).refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'from 不能晚于 to', path: ['to'] });

export const mappingChangeSchema = z.object({
  businessName: z.string().max(100).nullable().optional(),
  userRole: z.enum(PERSON_ROLES).nullable().optional(),
  notes: z.string().max(2000).nullable().optional(),
  students: z.array(z.object({
    studentId: z.number().int().positive(),
    relation: z.enum(GUARDIAN_RELATIONS),
    isPrimary: z.boolean().optional(),
  })).max(10).optional(),
}).strict();

export const bulkChangeSchema = z.object({
  idType: idTypeParam,
  originalIds: z.array(z.string().min(1).max(200)).min(1).max(500),
  change: mappingChangeSchema,
});

export const classRoomSchema = z.object({ roomId: z.string().trim().min(1).max(200).nullable(), force: z.boolean().optional() });
export const classesQuery = z.object({ keyword: z.string().trim().min(1).max(100).optional() });
export const studentsQuery = z.object({
  keyword: z.string().trim().min(1).max(100).optional(),
  classId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
