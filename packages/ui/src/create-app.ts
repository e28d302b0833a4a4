import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import { createApp, type App, type Component } from 'vue';
import './style.css';

/**
 * Creates a service page's Vue app with Element Plus installed in Chinese (date pickers, pagination, empty states…).
 * All components are registered globally so pages use `<el-table>` etc. without imports, as these teams are used to.
 */
export function createServiceApp(rootComponent: Component): App {
  const app = createApp(rootComponent);
  app.use(ElementPlus, { locale: zhCn });
  return app;
}
