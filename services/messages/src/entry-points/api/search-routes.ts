import { Router } from 'express';
import { ValidationError, parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from '../../config.ts';
import type { SearchResponse } from '../../contract.ts';
import { decodeCursor } from '../../data-access/keyset-cursor.ts';
import { searchNewestFirst } from '../../data-access/search-repository.ts';
import { bigramsOf } from '../../domain/search-terms.ts';
import { searchQuery } from './schemas.ts';
import { auditView } from './view-audit.ts';

export function createSearchRoutes(context: ServiceContext<MessagesConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/search', async (req, res) => {
    const query = parseQuery(searchQuery, req);
    const useIndex = bigramsOf(query.q).length > 0;
    // a single character is in a large share of all messages: only a group or a person narrows it enough
    if (!useIndex && !query.room_id && !query.user_id && !query.class_id) {
      throw new ValidationError('参数无效: q', [{ field: 'q', message: '单个字的搜索请同时选择群、班级或人员 (room_id, class_id or user_id)' }]);
    }
    const page = await searchNewestFirst(pool, {
      term: query.q, useIndex, roomId: query.room_id, personId: query.user_id, classId: query.class_id, role: query.role,
      start: query.start_time ? new Date(query.start_time) : undefined, end: query.end_time ? new Date(query.end_time) : undefined,
      cursor: decodeCursor(query.cursor), limit: query.limit,
    });
    await auditView(pool, req, 'messages.search', { type: 'search', id: null }, {
      q: query.q, roomId: query.room_id ?? null, userId: query.user_id ?? null, classId: query.class_id ?? null, returned: page.items.length,
    });
    const body: SearchResponse = { term: query.q, ...page };
    res.json(body);
  });

  return router;
}
