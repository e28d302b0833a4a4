import { lazyChart } from '@doitcrm/ui';

// the monitor's charts load the first time it draws one, so the templates and the message search open without ECharts
export const VChart = lazyChart(() => import('./charts.ts'));
