import { lazyChart } from '@doitcrm/ui';

// the charts draw only behind a tab (heat map, trends) or in the class drawer: ECharts loads the first time one of
// those shows, not with the class cards everyone opens the page for
export const VChart = lazyChart(() => import('./charts.ts'));
