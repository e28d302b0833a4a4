import { defineAsyncComponent, type Component } from 'vue';

/**
 * ECharts is about as large as the rest of a page together: a page's charts module (which registers only the ECharts
 * parts it draws and re-exports vue-echarts as VChart) loads the first time a chart shows, not with the page.
 * `load` is the page's own `() => import('./charts.ts')`, so the bundler still splits that module out.
 */
export function lazyChart(load: () => Promise<{ VChart: Component }>): Component {
  return defineAsyncComponent(() => load().then((charts) => charts.VChart));
}
