// Only the ECharts parts the page draws with, so the bundle stays small.
import { use } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, LegendComponent, TooltipComponent, VisualMapComponent, DataZoomComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, HeatmapChart, LineChart, GridComponent, MarkAreaComponent, LegendComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, CanvasRenderer]);

export { default as VChart } from 'vue-echarts';

export const BAND_COLOURS = { high: '#67c23a', mid: '#e6c229', low: '#f08c3a', critical: '#e0524f', none: '#c0c4cc' } as const;
export const BAND_LABELS = { high: '高活跃', mid: '一般', low: '偏低', critical: '需关注', none: '无家长' } as const;
