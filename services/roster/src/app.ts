import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { RosterConfig } from './config.ts';
import { createNationalIdCipher, type NationalIdCipher } from './domain/national-id.ts';
import { createEditRoutes } from './entry-points/api/edit-routes.ts';
import { createExportRoutes } from './entry-points/api/export-routes.ts';
import { createImportRoutes } from './entry-points/api/import-routes.ts';
import { createNationalIdRoutes } from './entry-points/api/national-id-routes.ts';
import { rosterApi } from './entry-points/api/roster-api.ts';

export function nationalIdCipherOf(config: Pick<RosterConfig, 'ROSTER_ID_NUMBER_KEY'>): NationalIdCipher | null {
  return config.ROSTER_ID_NUMBER_KEY ? createNationalIdCipher(config.ROSTER_ID_NUMBER_KEY) : null;
}

export function createRosterApp(context: ServiceContext<RosterConfig>) {
  const cipher = nationalIdCipherOf(context.config);
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [createImportRoutes(context, cipher), createNationalIdRoutes(context.pool, cipher), createEditRoutes(context), createExportRoutes(context)],
    docs: rosterApi,
  });
}
