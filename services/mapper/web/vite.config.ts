import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // the counts, and the first page of the users tab with no filter
  firstDataCalls: ['/api/stats', '/api/mappings/user_id?limit=50'],
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the mapper service
  devApiTarget: process.env.MAPPER_API_URL ?? 'http://127.0.0.1:5004',
});
