import { Router } from 'express';
import { NotFoundError, parseParams, parseQuery, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from '../../config.ts';
import { decodeCursor } from '../../data-access/keyset-cursor.ts';
import { readRoomDetail, readRoomStats, readRoomTree, roomMessagesPage } from '../../data-access/room-repository.ts';
import { roomIdParams, roomMessagesQuery } from './schemas.ts';
import { auditView } from './view-audit.ts';

/** The group browser: 段 → 阶 → class groups plus 其他群, stats, and a group's messages page by page. */
export function createRoomRoutes(context: ServiceContext<MessagesConfig>): Router {
  const router = Router();
  const { pool, config } = context;

  router.get('/room-tree', async (_req, res) => {
    res.json(await readRoomTree(pool));
  });

  router.get('/room-stats', async (_req, res) => {
    res.json(await readRoomStats(pool, config.DISPLAY_TIMEZONE));
  });

  router.get('/room-messages', async (req, res) => {
    const query = parseQuery(roomMessagesQuery, req);
    const start = query.start_time ? new Date(query.start_time) : null;
    const end = query.end_time ? new Date(query.end_time) : null;
    const page = await roomMessagesPage(pool, {
      roomId: query.room_id, start, end, onlyUnmapped: query.only_unmapped, cursor: decodeCursor(query.cursor), limit: query.limit,
    });
    await auditView(pool, req, 'messages.room.view', { type: 'room', id: query.room_id }, {
      start: query.start_time ?? null, end: query.end_time ?? null, onlyUnmapped: query.only_unmapped, returned: page.items.length,
    });
    res.json({ roomId: query.room_id, ...page });
  });

  router.get('/room-detail/:roomId', async (req, res) => {
    const { roomId } = parseParams(roomIdParams, req);
    const detail = await readRoomDetail(pool, roomId, config.DISPLAY_TIMEZONE);
    if (!detail) throw new NotFoundError(`没有这个群: ${roomId}`);
    res.json(detail);
  });

  return router;
}
