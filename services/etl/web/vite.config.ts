import { fileURLToPath } from 'node:url';
// Relative on purpose: Vite bundles relative imports of a config file but hands package imports (`@doitcrm/ui/vite`)
// to Node, and Node 20 cannot load the preset's TypeScript source.
import { servicePageConfig } from '../../../packages/ui/src/vite-preset.ts';

export default servicePageConfig({
  webDir: fileURLToPath(new URL('.', import.meta.url)),
  outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
  // `vite --config web/vite.config.ts` serves the page with hot reload against the ETL service on its default port
  devApiTarget: process.env.ETL_API_URL ?? 'http://127.0.0.1:5002',
});
