import vue from '@vitejs/plugin-vue';
import type { HtmlTagDescriptor, Plugin, PluginOption, UserConfig } from 'vite';
import { elementPlusOnDemand } from './vite-element-plus.ts';
import { precompressAssets } from './vite-precompress.ts';

export interface ServicePageOptions {
  /** Folder holding the page's index.html (the Vite root). */
  webDir: string;
  /** Where the built page goes; the service serves this folder at `/`. */
  outDir: string;
  /** For `vite` dev mode: the running service (e.g. `http://127.0.0.1:5002`) that `/api` calls are proxied to. */
  devApiTarget?: string;
  /**
   * The GET calls the page's first screen makes once someone is logged in, exactly as it sends them (path and query):
   * the HTML asks for them at once, beside the session check and the scripts, instead of after the scripts ran and
   * the session answered — two round trips less before the first data. Only calls whose URL does not depend on the
   * page's state (filters kept in the address or in storage) belong here; a preload the page does not use is wasted.
   */
  firstDataCalls?: string[];
}

interface ChunkGroup {
  name: string;
  test: (id: string) => boolean;
}

const EP_DATA_COMPONENTS =
  /[\\/]components[\\/](table|table-v2|tree|tree-v2|tree-select|date-picker|date-picker-panel|time-picker|time-select|calendar|cascader|cascader-panel|transfer|select-v2|virtual-list)[\\/]/;

function isElementPlus(id: string): boolean {
  return /[\\/]node_modules[\\/]element-plus[\\/]/.test(id);
}

/**
 * Third-party code goes into a few long-lived chunks: the page's own code changes often, the libraries rarely, so
 * browsers keep the library chunks cached across deploys, and Element Plus is not one megabyte-sized file.
 * Checked in order; the first match wins.
 */
const VENDOR_CHUNKS: ChunkGroup[] = [
  { name: 'vue', test: (id) => /[\\/]node_modules[\\/](vue|@vue)[\\/]/.test(id) },
  { name: 'ep-icons', test: (id) => /[\\/]node_modules[\\/]@element-plus[\\/]icons-vue[\\/]/.test(id) },
  // the helpers Element Plus builds on (dayjs, lodash, floating-ui, vueuse) before Element Plus itself, so its
  // chunks do not swallow them along with its own code
  { name: 'vendor', test: (id) => id.includes('node_modules') && !isElementPlus(id) },
  { name: 'element-plus', test: isElementPlus },
];

/**
 * Rolldown (Vite 8) only: a group also takes the modules its members import, unless an earlier group has them, so the
 * big data components (tables, trees, pickers and what they use) can leave the rest of Element Plus without the two
 * chunks importing each other. Rollup (Vite 7) splits by module only, which here would make a circular pair.
 */
const ROLLDOWN_CHUNKS: ChunkGroup[] = [
  ...VENDOR_CHUNKS.slice(0, -1),
  { name: 'ep-data', test: (id) => isElementPlus(id) && EP_DATA_COMPONENTS.test(id) },
  ...VENDOR_CHUNKS.slice(-1),
];

function vendorChunk(id: string): string | undefined {
  return VENDOR_CHUNKS.find((chunk) => chunk.test(id))?.name;
}

/**
 * The shared contract package (`@doitcrm/types`) and a service's API contract (`src/contract.ts`, the one server file
 * a page may import) only declare constants, helpers and zod schemas; their `.meta()` registrations matter only to the
 * server's /docs. Telling the bundler so lets a page that imports one constant or a helper the contract re-exports
 * (the dashboard's `minutesText`) drop the schemas, and with them zod (~90 kB, ~25 kB on the wire).
 */
function hasSideEffects(id: string): boolean {
  return !/[\\/]packages[\\/]types[\\/]src[\\/]|[\\/]services[\\/][^\\/]+[\\/]src[\\/]contract\.ts$/.test(id);
}

const PAGE_HEAD: HtmlTagDescriptor[] = [
  { tag: 'meta', attrs: { charset: 'UTF-8' }, injectTo: 'head-prepend' },
  { tag: 'meta', attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1' }, injectTo: 'head-prepend' },
  { tag: 'meta', attrs: { name: 'referrer', content: 'same-origin' }, injectTo: 'head-prepend' },
  // an empty icon: without one the browser asks for /favicon.ico, which no service serves
  { tag: 'link', attrs: { rel: 'icon', href: 'data:,' }, injectTo: 'head-prepend' },
  // the session check every page starts with (session.ts) goes out with the scripts instead of after them: one round
  // trip less before the first data. `crossorigin` makes it the same-origin, cookie-carrying request fetch() sends,
  // so the browser hands this answer to that call (https://html.spec.whatwg.org/multipage/links.html#link-type-preload)
  { tag: 'link', attrs: { rel: 'preload', href: '/api/auth/me', as: 'fetch', crossorigin: 'anonymous' }, injectTo: 'head' },
];

const PAGE_BODY: HtmlTagDescriptor[] = [
  { tag: 'noscript', children: '此页面需要启用 JavaScript。', injectTo: 'body' },
  { tag: 'script', attrs: { type: 'module', src: './main.ts' }, injectTo: 'body' },
];

/**
 * Adds what every page's `index.html` shares, so each one holds only its title and mount point. It runs before Vite
 * reads the HTML (`order: 'pre'`), so the injected `main.ts` is bundled as if it were written in the file.
 */
function servicePageHtml(firstDataCalls: string[]): Plugin {
  // as for the session check above: `crossorigin` makes each the request apiRequest's fetch() sends, so it is reused
  const dataPreloads: HtmlTagDescriptor[] = firstDataCalls.map((href) => ({
    tag: 'link',
    attrs: { rel: 'preload', href, as: 'fetch', crossorigin: 'anonymous' },
    injectTo: 'head',
  }));
  return {
    name: 'doitcrm-service-page-html',
    transformIndexHtml: { order: 'pre', handler: () => [...PAGE_HEAD, ...dataPreloads, ...PAGE_BODY] },
  };
}

/** The one Vite configuration every service page is built with (`services/<name>/web/vite.config.ts`). */
export function servicePageConfig(options: ServicePageOptions): UserConfig {
  const build: UserConfig['build'] & { rolldownOptions?: unknown } = {
    outDir: options.outDir,
    emptyOutDir: true,
    target: 'es2020',
    // Vite 7 bundles with Rollup and reads these
    rollupOptions: {
      treeshake: { moduleSideEffects: hasSideEffects },
      output: { manualChunks: vendorChunk },
    },
    // Vite 8 bundles with Rolldown and reads these (the first group that matches a module wins)
    rolldownOptions: {
      treeshake: { moduleSideEffects: hasSideEffects },
      output: {
        codeSplitting: {
          // entriesAware: a group's modules that only a lazy import needs (charts behind a tab, a drawer's table) go to
          // a chunk of their own that loads with it, not into the chunk the first screen waits for
          groups: ROLLDOWN_CHUNKS.map((chunk, index) => ({ ...chunk, priority: ROLLDOWN_CHUNKS.length - index, entriesAware: true })),
        },
      },
    },
  };
  return {
    root: options.webDir,
    // relative asset URLs: the page keeps working behind a reverse proxy that mounts the service under a prefix
    base: './',
    // the cast bridges two installed Vite majors (this package's 7, the workspace root's 8 that plugin-vue sees);
    // the plugin supports both, only their type declarations differ
    plugins: [vue() as unknown as PluginOption, elementPlusOnDemand(), servicePageHtml(options.firstDataCalls ?? []), precompressAssets()],
    server: options.devApiTarget ? { proxy: { '/api': { target: options.devApiTarget } } } : {},
    build,
  };
}
