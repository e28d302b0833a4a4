import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // the counts, the run history's first page and the upload limits (the last only for staff and admins, the usual users)
  firstDataCalls: ['/api/stats', '/api/runs?limit=20', '/api/config'],
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the ETL service
  devApiTarget: process.env.ETL_API_URL ?? 'http://127.0.0.1:5002',
});
