import { defineAsyncComponent } from 'vue';

// ECharts loads when the health tab first draws, so the status tab and the customer browser open without it
export const VChart = defineAsyncComponent(() => import('./charts.ts').then((charts) => charts.VChart));
