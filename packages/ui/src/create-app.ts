import type { ServiceKey } from '@doitcrm/types';
import { ElLoading, ElMessage, ElMessageBox, provideGlobalConfig } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import { createApp, h, type App, type Component } from 'vue';
import AppShell from './AppShell.vue';
import type { SessionUser } from './session.ts';
import './style.css';

/**
 * Creates a service page's Vue app with Element Plus set to Chinese (date pickers, pagination, empty states…).
 * Pages still write `<el-table>` etc. without imports, as these teams are used to: the build imports each component a
 * template uses (`vite-element-plus.ts`), so a page ships only those. What is not a tag is installed here: `v-loading`,
 * and the message and confirm boxes, which take the app's locale (the confirm box's 确定/取消) only once installed.
 */
export function createServiceApp(rootComponent: Component): App {
  const app = createApp(rootComponent);
  app.use(ElLoading).use(ElMessage).use(ElMessageBox);
  provideGlobalConfig({ locale: zhCn }, app, true);
  return app;
}

export interface MountPageOptions {
  /** Which service the page belongs to (see `AppShell`). */
  service: ServiceKey;
}

/**
 * Mounts a service's page at `#app` inside the shared shell (service bar, login, page heading). The page is rendered only once
 * someone is logged in, and gets that account as its `user` prop.
 */
export function mountServicePage(page: Component, options: MountPageOptions): App {
  const app = createServiceApp({
    render: () => h(AppShell, { service: options.service }, { default: ({ user }: { user: SessionUser }) => h(page, { user }) }),
  });
  app.mount('#app');
  return app;
}
