import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // the group tree with its counts (the search and cohort tabs load their options when first opened)
  firstDataCalls: ['/api/room-tree', '/api/room-stats'],
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the messages service
  devApiTarget: process.env.MESSAGES_API_URL ?? 'http://127.0.0.1:5006',
});
