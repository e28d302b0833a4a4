import { Router } from 'express';
import { NotFoundError, UnavailableError, actorFromRequest, auditFromRequest, parseBody, parseParams, recordAudit, requireRole, type Pool } from '@doitcrm/kit';
import { findSealedNationalId } from '../../data-access/national-id-repository.ts';
import { changeNationalIdStorage } from '../../domain/national-id-settings.ts';
import { NATIONAL_ID_KEY_VARIABLE, type NationalIdCipher } from '../../domain/national-id.ts';
import { idParams } from './edit-schemas.ts';
import { settingsBody } from './import-schemas.ts';

/** 保存儿童身份证号 on/off (admin), and the one place a whole number is shown (staff, audited). */
export function createNationalIdRoutes(pool: Pool, cipher: NationalIdCipher | null): Router {
  const router = Router();

  router.put('/settings', requireRole('admin'), async (req, res) => {
    const body = parseBody(settingsBody, req);
    res.json(await changeNationalIdStorage(pool, body.storeNationalId, cipher, actorFromRequest(req)));
  });

  router.get('/students/:id/national-id', requireRole('staff'), async (req, res) => {
    const { id } = parseParams(idParams, req);
    const sealed = await findSealedNationalId(pool, id);
    if (!sealed) throw new NotFoundError(`学员 ${id} 没有保存身份证号`);
    if (!cipher) throw new UnavailableError(`未设置 ${NATIONAL_ID_KEY_VARIABLE}，无法解密身份证号`);
    const nationalId = cipher.open(sealed);
    // audited before it is shown, and not shown when the audit row cannot be written
    await recordAudit(pool, auditFromRequest(req, { service: 'roster', action: 'roster.student.national_id.view', targetType: 'student', targetId: id }));
    res.set('Cache-Control', 'no-store').json({ studentId: id, nationalId });
  });

  return router;
}
