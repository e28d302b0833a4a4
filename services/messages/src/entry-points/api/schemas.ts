import { z } from 'zod';
import { PERSON_ROLES } from '@doitcrm/types';
import { ValidationError } from '@doitcrm/kit';
import type { TimeWindow } from '../../data-access/conversation-repository.ts';
import { DAY_MS } from '../../domain/beijing-time.ts';

export const isoTime = z.iso.datetime({ offset: true, message: 'ISO 8601 时间（带时区），例如 2025-12-01T00:00:00+08:00' });
export const wecomId = z.string().trim().min(1).max(200);
export const limitParam = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const cursorParam = z.string().max(500).optional();
export const kindParam = z.enum(['parent', 'staff', 'all']);
export const roleParam = z.enum(PERSON_ROLES);
const booleanParam = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 400;

export const windowFields = { start_time: isoTime.optional(), end_time: isoTime.optional() };

/** start/end inclusive; default the last 30 days up to now; a 400 names end_time when the order or span is wrong. */
export function resolveWindow(input: { start_time?: string; end_time?: string }, now = new Date()): TimeWindow {
  const end = input.end_time ? new Date(input.end_time) : now;
  const start = input.start_time ? new Date(input.start_time) : new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (start > end) throw new ValidationError('参数无效: end_time', [{ field: 'end_time', message: 'end_time 不能早于 start_time' }]);
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new ValidationError('参数无效: end_time', [{ field: 'end_time', message: `时间范围最长 ${MAX_WINDOW_DAYS} 天` }]);
  }
  return { start, end };
}

export const searchUsersQuery = z.object({
  keyword: z.string().trim().min(1, '请输入关键词').max(100),
  kind: kindParam.default('parent'),
  limit: limitParam(50, 200),
});

export const userMessagesQuery = z.object({
  user_id: wecomId,
  ...windowFields,
  conversation: z.string().trim().min(1).max(220).optional(),
  cursor: cursorParam,
  limit: limitParam(50, 200),
});

export const roomMessagesQuery = z.object({
  room_id: wecomId,
  ...windowFields,
  only_unmapped: booleanParam.default(false),
  cursor: cursorParam,
  limit: limitParam(50, 200),
});

export const searchQuery = z.object({
  q: z.string().trim().min(1, '请输入搜索词').max(100),
  room_id: wecomId.optional(),
  user_id: wecomId.optional(),
  class_id: z.coerce.number().int().positive().optional(),
  role: roleParam.optional(),
  ...windowFields,
  cursor: cursorParam,
  limit: limitParam(30, 100),
});

export const messageIdParams = z.object({ msgid: z.string().min(1).max(300) });
export const roomIdParams = z.object({ roomId: wecomId });

export const contextQuery = z.object({ cursor: cursorParam, limit: limitParam(40, 200) });

export const filterUsersBody = z.object({
  filters: z.object({
    kind: kindParam.default('parent'),
    keyword: z.string().trim().min(1).max(100).optional(),
    section_id: z.number().int().positive().optional(),
    level_id: z.number().int().positive().optional(),
    class_ids: z.array(z.number().int().positive()).max(200).optional(),
    ...windowFields,
  }).default({ kind: 'parent' }),
  limit: z.number().int().min(1).max(500).default(500),
});

export const MAX_COHORT = 200;
export const aggregateBody = z.object({
  user_ids: z.array(wecomId).min(1, '请至少选择一人').max(MAX_COHORT),
  ...windowFields,
  max_messages_per_user: z.number().int().min(1).max(500).default(100),
});

export const exportQuery = z.object({ format: z.enum(['csv', 'txt']).default('csv') });

export const commSummaryQuery = z.object({
  min_messages: z.coerce.number().int().min(1).max(1_000_000).default(20),
  role: roleParam.optional(),
  start_time: isoTime.optional(),
  end_time: isoTime.optional(),
});

export const summaryBody = aggregateBody.extend({ mode: z.enum(['parent', 'teacher']).default('parent') });
export const summariesQuery = z.object({ user_id: wecomId.optional(), limit: limitParam(20, 100) });
