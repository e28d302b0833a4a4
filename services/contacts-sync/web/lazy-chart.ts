import { lazyChart } from '@doitcrm/ui';

// ECharts loads when the health tab first draws, so the status tab and the customer browser open without it
export const VChart = lazyChart(() => import('./charts.ts'));
