import { Router } from 'express';
import {
  ConflictError, NotFoundError, TERMINAL_JOB_STATUSES, actorFromRequest, auditFromRequest, auditRead, listJobs, parseBody, parseParams, parseQuery, recordAudit, requireRole,
  lockForTransaction, submitJob, toCsv, withTransaction, type ServiceContext,
} from '@doitcrm/kit';
import type { MapperConfig } from '../../config.ts';
import type { MappingQuery, RoomMapping, UserMapping } from '../../contract.ts';
import { classOwningRoom, findClass, groupsOfUser, listClasses, readStats, searchStudents, setClassRoom } from '../../data-access/catalog-repository.ts';
import { findMapping, listRoomMappings, listUserMappings } from '../../data-access/mapping-list-repository.ts';
import { updateMapping, updateMappings } from '../../domain/update-mapping.ts';
import {
  bulkChangeSchema, classesQuery, classIdParams, classRoomSchema, idTypeParams, mappingChangeSchema, mappingParams, mappingQuerySchema, studentsQuery,
  userIdParams,
} from './mapping-schemas.ts';
import { MAPPING_CSV_COLUMNS } from './mapping-csv.ts';
import { EXTRACT_QUEUE } from '../queue/extract-consumer.ts';

export function createMappingRoutes(context: ServiceContext<MapperConfig>): Router {
  const router = Router();
  const { pool } = context;
  const list = (idType: 'user_id' | 'room_id', query: MappingQuery) => (idType === 'user_id' ? listUserMappings(pool, query) : listRoomMappings(pool, query));

  router.get('/stats', async (_req, res) => {
    res.json(await readStats(pool));
  });

  // the whole archive is a job (minutes on a big one); one at a time, so a second click follows the first job
  router.post('/extract', requireRole('staff'), async (req, res) => {
    const [latest] = await listJobs(pool, { types: [EXTRACT_QUEUE], limit: 1 });
    if (latest && !TERMINAL_JOB_STATUSES.has(latest.status)) {
      res.status(202).json({ jobId: latest.id, alreadyRunning: true });
      return;
    }
    const { job } = await submitJob(context, {
      type: EXTRACT_QUEUE, params: {}, actor: actorFromRequest(req),
      audit: { service: 'mapper', action: `${EXTRACT_QUEUE}.start`, details: {} },
      payload: ({ jobId, userId }) => ({ jobId, userId }),
    });
    res.status(202).json({ jobId: job.id, alreadyRunning: false });
  });

  // before /mappings/:idType, or "mappings.csv" would be taken for an id type. Every parent's name, children and
  // notes in one file: a bulk copy is a staff task, as roster's pupil exports are, and it is recorded or not sent
  router.get('/mappings.csv', requireRole('staff'), async (req, res) => {
    const { idType } = parseQuery(idTypeParams, req);
    const query = parseQuery(mappingQuerySchema, req);
    const rows: Array<UserMapping | RoomMapping> = [];
    let cursor: string | undefined;
    do {
      const page = await list(idType, { ...query, limit: 200, cursor });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    await auditRead(pool, req, {
      service: 'mapper', action: 'mapper.export', targetType: 'mappings', details: { idType, filter: query, rows: rows.length, ids: rows.map((row) => row.originalId) },
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="mappings-${idType}.csv"`);
    res.send(toCsv(rows, MAPPING_CSV_COLUMNS));
  });

  router.get('/mappings/:idType', async (req, res) => {
    const { idType } = parseParams(idTypeParams, req);
    res.json(await list(idType, parseQuery(mappingQuerySchema, req)));
  });

  router.put('/mappings/:idType/:originalId', requireRole('staff'), async (req, res) => {
    const { idType, originalId } = parseParams(mappingParams, req);
    await updateMapping(pool, actorFromRequest(req), idType, originalId, parseBody(mappingChangeSchema, req));
    void context.outbox.flush().catch(() => {});
    res.json(await findMapping(pool, idType, originalId));
  });

  router.post('/mappings/bulk', requireRole('staff'), async (req, res) => {
    const body = parseBody(bulkChangeSchema, req);
    const result = await updateMappings(pool, actorFromRequest(req), body.idType, body.originalIds, body.change);
    void context.outbox.flush().catch(() => {});
    res.json({ updated: body.originalIds.length, fields: result.fields });
  });

  router.get('/classes', async (req, res) => {
    res.json({ items: await listClasses(pool, parseQuery(classesQuery, req).keyword) });
  });

  // one group per class and one class per group: a room owned by another class moves only when asked to
  router.put('/classes/:id/room', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(classIdParams, req);
    const body = parseBody(classRoomSchema, req);
    const updated = await withTransaction(pool, async (client) => {
      await lockForTransaction(client, 'mapper.class-room');
      const target = await findClass(client, id);
      if (!target) throw new NotFoundError(`没有班级 ${id}`);
      if (body.roomId) {
        const owner = await classOwningRoom(client, body.roomId);
        if (owner && owner.id !== id) {
          const owned = `${owner.sectionName} ${owner.levelName} ${owner.name}`;
          if (!body.force) {
            throw new ConflictError(`该群已被班级 ${owned} 关联`, [
              { field: 'roomId', message: `该群已被班级 ${owned} 关联；确认后加 force: true 改为关联到 ${target.name}` },
            ]);
          }
          await setClassRoom(client, owner.id, null);
        }
      }
      await setClassRoom(client, id, body.roomId);
      await recordAudit(client, auditFromRequest(req, {
        service: 'mapper', action: 'mapper.class.room', targetType: 'class', targetId: id,
        details: { before: target.roomId, after: body.roomId, force: body.force ?? false },
      }));
      return findClass(client, id);
    });
    res.json(updated);
  });

  router.get('/students', async (req, res) => {
    res.json({ items: await searchStudents(pool, parseQuery(studentsQuery, req)) });
  });

  router.get('/user-groups/:userId', async (req, res) => {
    const { userId } = parseParams(userIdParams, req);
    res.json({ items: await groupsOfUser(pool, userId) });
  });

  return router;
}
