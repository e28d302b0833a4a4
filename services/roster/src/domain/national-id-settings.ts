import { ValidationError, auditAs, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import { lockRoster } from '../data-access/import-repository.ts';
import { purgeNationalIds, type PurgeCounts } from '../data-access/national-id-repository.ts';
import { writeSettings } from '../data-access/settings-repository.ts';
import { NATIONAL_ID_KEY_VARIABLE, type NationalIdCipher } from './national-id.ts';

export interface StorageChange {
  storeNationalId: boolean;
  /** turning storing off: what was deleted */
  purged: PurgeCounts | null;
}

/**
 * 保存儿童身份证号 on or off (API and CLI). On needs the encryption key; off deletes every stored number in the same
 * transaction, under the roster lock so no import commits numbers after the purge, and audits the counts (never a number).
 */
export async function changeNationalIdStorage(pool: Pool, on: boolean, cipher: NationalIdCipher | null, actor: Actor): Promise<StorageChange> {
  if (on && !cipher) {
    throw new ValidationError(
      `未设置 ${NATIONAL_ID_KEY_VARIABLE}，不能开启保存儿童身份证号：身份证号只加密保存，请先在花名册服务的环境中设置 32 字节的 base64 密钥（openssl rand -base64 32）后重启服务`,
      [{ field: 'storeNationalId', message: `${NATIONAL_ID_KEY_VARIABLE} is not set in the roster service's environment` }],
    );
  }
  return withTransaction(pool, async (client) => {
    await lockRoster(client);
    await writeSettings(client, { storeNationalId: on }, actor.userId);
    await recordAudit(client, auditAs(actor, { service: 'roster', action: 'roster.settings.update', targetType: 'roster_settings', details: { storeNationalId: on } }));
    if (on) return { storeNationalId: true, purged: null };
    const purged = await purgeNationalIds(client);
    await recordAudit(client, auditAs(actor, { service: 'roster', action: 'roster.national_id.purge', targetType: 'roster_settings', details: { ...purged } }));
    return { storeNationalId: false, purged };
  });
}
