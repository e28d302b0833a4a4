import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, auditRead, parseParams, parseQuery, type ServiceContext } from '@doitcrm/kit';
import { contactFilterSchema } from '../../contract.ts';
import { contactFilterOptions } from '../../data-access/contact-filter-repository.ts';
import { listContacts, readContact } from '../../data-access/contact-read-repository.ts';

export const contactIdParams = z.object({ id: z.string().min(1).max(128) });

/**
 * The customers as the last sync left them, for the page to come. Every read is audited before it is answered (a
 * list names the customers it showed): remarks and masked phones are families' data.
 */
export function createContactRoutes(context: ServiceContext): Router {
  const router = Router();

  router.get('/contacts', async (req, res) => {
    const filter = parseQuery(contactFilterSchema, req);
    const page = await listContacts(context.pool, filter);
    const { limit: _limit, after: _after, ...criteria } = filter;
    await auditRead(context.pool, req, {
      service: 'contacts-sync', action: 'contacts.contact.list', targetType: 'external_contact',
      details: { filter: criteria, ids: page.items.map((item) => item.externalUserId) },
    });
    res.json(page);
  });

  // members' names and tag names only, no customer's data: not an audited read
  router.get('/contact-filters', async (_req, res) => {
    res.json(await contactFilterOptions(context.pool));
  });

  router.get('/contacts/:id', async (req, res) => {
    const { id } = parseParams(contactIdParams, req);
    const contact = await readContact(context.pool, id);
    if (!contact) throw new NotFoundError('没有这个客户');
    await auditRead(context.pool, req, { service: 'contacts-sync', action: 'contacts.contact.view', targetType: 'external_contact', targetId: id });
    res.json(contact);
  });

  return router;
}
