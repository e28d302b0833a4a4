import { defineAsyncComponent } from 'vue';

/**
 * ECharts is about as large as the rest of the page together: it loads the first time the monitor draws a chart, not
 * with the page (as services/dashboard does), so the templates and the message search open without it.
 */
export const VChart = defineAsyncComponent(() => import('./charts.ts').then((charts) => charts.VChart));
