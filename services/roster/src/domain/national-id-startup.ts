import { auditAs, recordAudit, systemActor, withTransaction, type Pool } from '@doitcrm/kit';
import { lockRoster } from '../data-access/import-repository.ts';
import { purgeNationalIds, readLegacyNationalIds, replaceLegacyNationalIds } from '../data-access/national-id-repository.ts';
import { readSettings } from '../data-access/settings-repository.ts';
import { NATIONAL_ID_KEY_VARIABLE, type NationalIdCipher } from './national-id.ts';

const SYSTEM_ACTOR = systemActor('roster-start');

/**
 * Run before the roster serves anything: brings the stored ID numbers in line with the setting. Storing off → nothing
 * may remain (plaintext an earlier version left included); storing on → the legacy plaintext is encrypted, and without
 * a key the service refuses to start rather than keep numbers it can neither protect nor read.
 */
export async function reconcileNationalIds(pool: Pool, cipher: NationalIdCipher | null): Promise<{ encrypted: number; purged: number }> {
  return withTransaction(pool, async (client) => {
    await lockRoster(client);
    const settings = await readSettings(client);
    if (!settings.storeNationalId) {
      const purged = await purgeNationalIds(client);
      const total = purged.stored + purged.legacy + purged.previews;
      if (total > 0) await recordAudit(client, auditAs(SYSTEM_ACTOR, { service: 'roster', action: 'roster.national_id.purge', targetType: 'roster_settings', details: { ...purged } }));
      return { encrypted: 0, purged: total };
    }
    if (!cipher) {
      throw new Error(`保存儿童身份证号 is on but ${NATIONAL_ID_KEY_VARIABLE} is not set: set it (32 bytes, base64), or turn storing off, `
        + 'which deletes every stored number: npm run roster -- settings --store-national-id off');
    }
    const legacy = await readLegacyNationalIds(client);
    if (legacy.length === 0) return { encrypted: 0, purged: 0 };
    await replaceLegacyNationalIds(client, legacy.map((row) => ({ studentId: row.studentId, ...cipher.seal(row.nationalId) })));
    await recordAudit(client, auditAs(SYSTEM_ACTOR, { service: 'roster', action: 'roster.national_id.encrypt_legacy', targetType: 'roster_settings', details: { count: legacy.length } }));
    return { encrypted: legacy.length, purged: 0 };
  });
}
