import { z } from 'zod';
import { CLASS_SORTS } from '../../domain/class-list.ts';
import { refineWindow, windowQueryShape } from '../../domain/day-window.ts';

// a blank form field means "no filter"
const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const id = z.coerce.number().int().positive().max(2_147_483_647);

const windowShape = {
  days: blankAsAbsent(windowQueryShape.days.unwrap()),
  from: blankAsAbsent(windowQueryShape.from.unwrap()),
  to: blankAsAbsent(windowQueryShape.to.unwrap()),
};

const filterShape = {
  sectionId: blankAsAbsent(id),
  levelId: blankAsAbsent(id),
  teacherId: blankAsAbsent(id),
  search: blankAsAbsent(z.string().trim().max(100)),
};

export const windowQuerySchema = z.object(windowShape).superRefine(refineWindow);

export const classStatsQuerySchema = z.object({
  ...windowShape,
  ...filterShape,
  classId: blankAsAbsent(id),
  // the original's names, kept for old links
  section_id: blankAsAbsent(id),
  level_id: blankAsAbsent(id),
  sort: blankAsAbsent(z.enum(CLASS_SORTS)),
  order: blankAsAbsent(z.enum(['asc', 'desc'])),
  attention: blankAsAbsent(z.enum(['true', 'false'])),
}).superRefine(refineWindow);

export const classIdParamsSchema = z.object({ classId: id });

export const trendsQuerySchema = z.object({
  ...filterShape,
  classId: blankAsAbsent(id),
  groupBy: blankAsAbsent(z.enum(['section', 'class'])),
  weeks: blankAsAbsent(z.coerce.number().int().min(1).max(53)),
});

export const alertQuerySchema = z.object({
  kind: blankAsAbsent(z.enum(['silent_parent', 'churn_risk', 'slow_response', 'keyword'])),
  state: blankAsAbsent(z.enum(['active', 'open', 'acknowledged', 'snoozed', 'resolved', 'all'])),
  classId: blankAsAbsent(id),
  sectionId: blankAsAbsent(id),
  levelId: blankAsAbsent(id),
  limit: blankAsAbsent(z.coerce.number().int().min(1).max(500)),
  offset: blankAsAbsent(z.coerce.number().int().min(0).max(1_000_000)),
});

export const alertIdParamsSchema = z.object({ id });

export const snoozeBodySchema = z.object({ days: z.number().int().min(1).max(90) }).strict();

export const settingsBodySchema = z.object({
  engagement: z.object({ includeDirect: z.boolean(), textOnly: z.boolean() }).strict(),
  silentDays: z.number().int().min(1).max(365),
  heat: z.object({ high: z.number().int().min(2).max(100), mid: z.number().int().min(1).max(99), low: z.number().int().min(1).max(98) }).strict()
    .refine((heat) => heat.high > heat.mid && heat.mid > heat.low, { message: '须满足 high > mid > low', path: ['mid'] }),
  slowResponseMinutes: z.number().int().min(1).max(10_080),
  alertWindowDays: z.number().int().min(1).max(365),
  keywords: z.array(z.string().trim().min(1).max(20)).max(50),
}).strict();

export const exportParamsSchema = z.object({ format: z.enum(['csv', 'xlsx']) });
