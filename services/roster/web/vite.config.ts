import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // the import tab's limits, the roster tab's tree and staff, the history's first page: all three tabs mount at once
  firstDataCalls: ['/api/config', '/api/hierarchy?includeInactive=false', '/api/staff', '/api/imports?limit=20'],
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the roster service
  devApiTarget: process.env.ROSTER_API_URL ?? 'http://127.0.0.1:5010',
});
