import { defineAsyncComponent } from 'vue';

/**
 * ECharts is about as large as the rest of the page together, and draws only behind a tab (heat map, trends) or in the
 * class drawer: it loads the first time one of those shows, not with the class cards everyone opens the page for.
 */
export const VChart = defineAsyncComponent(() => import('./charts.ts').then((charts) => charts.VChart));
