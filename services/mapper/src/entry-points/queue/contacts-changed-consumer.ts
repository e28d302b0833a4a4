import { contactsChangedSchema, type ContactsChanged } from '@doitcrm/types';
import type { ServiceContext } from '@doitcrm/kit';
import { namesToUpdate, saveResolvedNames } from '../../data-access/name-repository.ts';

export const CONTACTS_CHANGED_QUEUE = 'mapper.contacts-changed';

/**
 * Names contacts-sync learned from WeCom become the identities' WeCom nicknames, written by the nickname fetch's own
 * writer, so most ids are named without a WeCom call of the mapper's. Idempotent: a redelivered event finds the names
 * already written and writes nothing.
 */
export async function startContactsChangedConsumer(context: ServiceContext): Promise<void> {
  await context.broker.consume<ContactsChanged>({
    queue: CONTACTS_CHANGED_QUEUE,
    events: ['contacts.changed'],
    prefetch: 4,
    schema: contactsChangedSchema,
    handle: async (event) => {
      const names = event.names.map((n) => ({
        idType: n.kind === 'customer_group' || n.kind === 'internal_group' ? 'room_id' as const : 'user_id' as const,
        originalId: n.id,
        nickname: n.name,
      }));
      const updates = await namesToUpdate(context.pool, names);
      await saveResolvedNames(context.pool, updates);
      context.logger.info({ runId: event.runId, names: names.length, written: updates.length }, 'names from contacts-sync written');
    },
  });
}
