// Apart from charts.ts so the class cards, on the first screen, do not pull in ECharts for two colour tables.
export const BAND_COLOURS = { high: '#67c23a', mid: '#e6c229', low: '#f08c3a', critical: '#e0524f', none: '#c0c4cc' } as const;
export const BAND_LABELS = { high: '高活跃', mid: '一般', low: '偏低', critical: '需关注', none: '无家长' } as const;
