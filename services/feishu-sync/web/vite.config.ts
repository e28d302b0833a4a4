import { fileURLToPath } from 'node:url';
import { servicePageConfig } from '@doitcrm/ui/vite';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // `vite --configLoader runner --config web/vite.config.ts` serves the page with hot reload against the feishu-sync service
  devApiTarget: process.env.FEISHU_SYNC_API_URL ?? 'http://127.0.0.1:5020',
});
