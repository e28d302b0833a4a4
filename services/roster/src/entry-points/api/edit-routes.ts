import { Router } from 'express';
import { NotFoundError, actorFromRequest, auditRead, parseBody, parseParams, parseQuery, requireRole, type ServiceContext } from '@doitcrm/kit';
import type { RosterConfig } from '../../config.ts';
import { readClass, readClassStudents, readContactPhone, readHierarchy, readNamesakes, readStaff } from '../../data-access/roster-read-repository.ts';
import { createClass, mergeStudents, moveStudent, splitStudent, updateClass, updateStudent } from '../../domain/roster-edits.ts';
import {
  createClassBody, idParams, includeInactiveQuery, mergeBody, moveBody, splitBody, updateClassBody, updateStudentBody,
} from './edit-schemas.ts';

export function createEditRoutes(context: ServiceContext<RosterConfig>): Router {
  const router = Router();
  const { pool } = context;

  router.get('/hierarchy', async (req, res) => {
    const query = parseQuery(includeInactiveQuery, req);
    res.json(await readHierarchy(pool, query.includeInactive === 'true'));
  });

  router.get('/staff', async (_req, res) => {
    res.json(await readStaff(pool));
  });

  router.get('/classes/:id', async (req, res) => {
    const params = parseParams(idParams, req);
    const found = await readClass(pool, params.id);
    if (!found) throw new NotFoundError(`班级 ${params.id} 不存在`);
    res.json(found);
  });

  // names, statuses, schools, addresses and guardians of children: staff only, recorded before they are sent (or not
  // sent), and the guardians' phone numbers masked
  router.get('/classes/:id/students', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    if (!(await readClass(pool, params.id))) throw new NotFoundError(`班级 ${params.id} 不存在`);
    const students = await readClassStudents(pool, params.id);
    await auditRead(pool, req, {
      service: 'roster', action: 'roster.class.students.view', targetType: 'class', targetId: params.id, details: { students: students.map((s) => s.id) },
    });
    res.json(students);
  });

  // one whole number, when a member of staff asks for it (to call a parent): each one shown is recorded first
  router.post('/contacts/:id/reveal', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    const contact = await readContactPhone(pool, params.id);
    if (!contact) throw new NotFoundError(`家长联系方式 ${params.id} 不存在`);
    await auditRead(pool, req, {
      service: 'roster', action: 'roster.contact.reveal', targetType: 'student_contact', targetId: contact.id, details: { studentId: contact.studentId },
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(contact);
  });

  router.post('/classes', requireRole('staff'), async (req, res) => {
    const body = parseBody(createClassBody, req);
    const created = await createClass(pool, body, actorFromRequest(req));
    res.status(201).json(await readClass(pool, created));
  });

  router.patch('/classes/:id', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    await updateClass(pool, params.id, parseBody(updateClassBody, req), actorFromRequest(req));
    res.json(await readClass(pool, params.id));
  });

  router.patch('/students/:id', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    const body = parseBody(updateStudentBody, req);
    await updateStudent(pool, params.id, body, actorFromRequest(req));
    res.status(204).end();
  });

  router.post('/students/:id/move', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    await moveStudent(pool, params.id, parseBody(moveBody, req), actorFromRequest(req));
    res.status(204).end();
  });

  router.get('/students/:id/namesakes', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    res.json(await readNamesakes(pool, params.id));
  });

  router.post('/students/:id/merge', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    await mergeStudents(pool, params.id, parseBody(mergeBody, req).intoStudentId, actorFromRequest(req));
    res.status(204).end();
  });

  router.post('/students/:id/split', requireRole('staff'), async (req, res) => {
    const params = parseParams(idParams, req);
    const newId = await splitStudent(pool, params.id, parseBody(splitBody, req).classId, actorFromRequest(req));
    res.status(201).json({ studentId: newId });
  });

  return router;
}
