import { contactsPhonesSchema, type ContactsPhones } from '@doitcrm/types';
import type { ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { storeContactPhones } from '../../data-access/contact-phone-repository.ts';

/**
 * Keeps the dispatcher's copy of the phones contacts-sync knows (`contacts.phones`), for SMS fallbacks of WeCom
 * messages. Only counts are logged: the numbers are personal data.
 */
export async function startContactPhonesConsumer(context: ServiceContext<DispatcherConfig>): Promise<void> {
  await context.broker.consume<ContactsPhones>({
    queue: 'dispatcher.contact-phones',
    events: ['contacts.phones'],
    prefetch: 4,
    schema: contactsPhonesSchema,
    handle: async (event) => {
      await storeContactPhones(context.pool, event.phones);
      context.logger.info({ phones: event.phones.length }, 'contact phones stored');
    },
  });
}
