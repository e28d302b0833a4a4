import type { Router } from 'express';
import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from './config.ts';
import { messagesApi } from './entry-points/api/messages-api.ts';
import { createCohortRoutes } from './entry-points/api/cohort-routes.ts';
import { createPersonRoutes } from './entry-points/api/person-routes.ts';
import { createRoomRoutes } from './entry-points/api/room-routes.ts';
import { createSearchRoutes } from './entry-points/api/search-routes.ts';
import { SUMMARIZE_QUEUE } from './entry-points/queue/summarize-consumer.ts';

/** The messages HTTP app without listening; the summary routes (they need the Coze client) are mounted beside. */
export function createMessagesApp(context: ServiceContext<MessagesConfig>, extraRouters: Router[] = []) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [
      createPersonRoutes(context),
      createRoomRoutes(context),
      createSearchRoutes(context),
      createCohortRoutes(context),
      ...extraRouters,
      context.jobRoutes.routerFor([SUMMARIZE_QUEUE]),
    ],
    docs: messagesApi,
  });
}
