import type { Queryable } from '@doitcrm/kit';
import type { ContactsPhones } from '@doitcrm/types';

export interface KnownPhones {
  kind: 'staff' | 'customer';
  mobiles: string[];
}

/** The phones contacts-sync last told for one WeCom id (event-fed copy), or null. */
export async function findContactPhones(db: Queryable, wecomId: string): Promise<KnownPhones | null> {
  const { rows } = await db.query<KnownPhones>('SELECT kind, mobiles FROM dispatch.contact_phones WHERE wecom_id = $1', [wecomId]);
  return rows[0] ?? null;
}

/** One statement per event; the later event wins, and an empty list forgets the id. Replaying an event changes nothing. */
export async function storeContactPhones(db: Queryable, phones: ContactsPhones['phones']): Promise<void> {
  const kept = phones.filter((p) => p.mobiles.length > 0);
  const gone = phones.filter((p) => p.mobiles.length === 0).map((p) => p.id);
  await db.query(
    `WITH gone AS (DELETE FROM dispatch.contact_phones WHERE wecom_id = ANY($4::text[]))
     INSERT INTO dispatch.contact_phones (wecom_id, kind, mobiles)
     SELECT id, kind, ARRAY(SELECT jsonb_array_elements_text(mobiles)) FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS p(id, kind, mobiles)
     ON CONFLICT (wecom_id) DO UPDATE SET kind = excluded.kind, mobiles = excluded.mobiles, updated_at = now()`,
    [kept.map((p) => p.id), kept.map((p) => p.kind), kept.map((p) => JSON.stringify(p.mobiles)), gone]);
}
