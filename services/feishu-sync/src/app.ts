import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { FeishuSyncConfig } from './config.ts';
import { feishuSyncApi } from './entry-points/api/feishu-sync-api.ts';
import { createRunRoutes } from './entry-points/api/run-routes.ts';
import { createUploadRoutes } from './entry-points/api/upload-routes.ts';
import type { FeishuConnection } from './domain/feishu-connection.ts';
import { ROLLBACK_QUEUE } from './domain/request-rollback.ts';
import { SYNC_QUEUE } from './domain/request-sync.ts';

/** feishu-sync's HTTP app, without listening (tests drive it directly). `connection` is null when Feishu is not configured. */
export function createFeishuSyncApp(context: ServiceContext<FeishuSyncConfig>, connection: FeishuConnection | null) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [createUploadRoutes(context, connection), createRunRoutes(context, connection), context.jobRoutes.routerFor([SYNC_QUEUE, ROLLBACK_QUEUE])],
    docs: feishuSyncApi,
  });
}
