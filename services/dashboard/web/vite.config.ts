import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // the filters' tree, the overview cards and the class cards for the default 30 days in the default order
  firstDataCalls: ['/api/hierarchy-tree', '/api/overview-stats?days=30', '/api/class-stats?days=30&sort=hierarchy&order=asc'],
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the dashboard service
  devApiTarget: process.env.DASHBOARD_API_URL ?? 'http://127.0.0.1:5011',
});
