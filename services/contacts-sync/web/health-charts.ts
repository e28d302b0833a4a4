import type { DayMetrics, SyncHealth } from './contacts-sync-api.ts';

/**
 * The option objects of the health tab's charts, built from the API's answers (pure, so the panel stays a template).
 * No animation: the tab refreshes every 30 s, and a replayed animation each time would read as a change.
 */

const GAUGE_BANDS: Array<[number, string]> = [[0.6, '#f56c6c'], [0.8, '#e6a23c'], [1, '#67c23a']];

export function healthGaugeOption(health: SyncHealth) {
  return {
    series: [{
      type: 'gauge', animation: false, min: 0, max: 100, splitNumber: 5,
      // red below 60 (the seed's critical line), amber to 80, green above
      axisLine: { lineStyle: { width: 14, color: GAUGE_BANDS } },
      axisLabel: { distance: 18, fontSize: 10 }, splitLine: { length: 10 }, pointer: { width: 5 },
      detail: { formatter: '{value}', fontSize: 28, offsetCenter: [0, '65%'] },
      title: { offsetCenter: [0, '92%'], fontSize: 12 },
      data: [{ value: health.score, name: `近 ${health.windowDays} 天健康分` }],
    }],
  };
}

const dayLabels = (series: DayMetrics[]) => series.map((day, index) => (index === series.length - 1 ? `${day.day.slice(5)}（今天）` : day.day.slice(5)));
const grid = { left: 48, right: 24, top: 36, bottom: 28 };

export function successRateOption(series: DayMetrics[]) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (value: number | null) => (value === null ? '无同步' : `${value}%`) },
    grid,
    xAxis: { type: 'category', data: dayLabels(series) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{
      type: 'line', name: '同步成功率', connectNulls: false, itemStyle: { color: '#67c23a' },
      // a day without runs has no rate: a gap, not a 0% that reads as an outage
      data: series.map((day) => (day.runs === 0 ? null : Math.round(((day.runs - day.failedRuns) / day.runs) * 1000) / 10)),
    }],
  };
}

export function callsAndErrorsOption(series: DayMetrics[]) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { ...grid, right: 48 },
    xAxis: { type: 'category', data: dayLabels(series) },
    yAxis: [{ type: 'value', minInterval: 1, name: '调用' }, { type: 'value', minInterval: 1, name: '错误' }],
    series: [
      { type: 'bar', name: '企业微信调用', data: series.map((day) => day.wecomCalls), barMaxWidth: 18, itemStyle: { color: '#409eff' } },
      { type: 'line', name: '错误', yAxisIndex: 1, data: series.map((day) => day.errors), itemStyle: { color: '#f56c6c' } },
    ],
  };
}

export function callbacksOption(series: DayMetrics[]) {
  const bar = (name: string, key: keyof DayMetrics, color: string) => ({
    type: 'bar', name, stack: 'callbacks', barMaxWidth: 18, itemStyle: { color }, data: series.map((day) => day[key]),
  });
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid,
    xAxis: { type: 'category', data: dayLabels(series) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      bar('已应用', 'callbacksApplied', '#67c23a'), bar('重复', 'callbacksDuplicate', '#909399'),
      bar('拒收', 'callbacksRefused', '#e6a23c'), bar('应用失败', 'callbackErrors', '#f56c6c'),
    ],
  };
}

export function delayOption(series: DayMetrics[]) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (value: number | null) => (value === null ? '—' : `${value} 秒`) },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: dayLabels(series) },
    yAxis: { type: 'value', axisLabel: { formatter: '{value} 秒' } },
    series: [
      { type: 'line', name: '回调应用平均延迟', data: series.map((day) => day.avgApplyDelaySeconds === null ? null : Math.round(day.avgApplyDelaySeconds * 100) / 100) },
      { type: 'line', name: '最长', data: series.map((day) => Math.round(day.maxApplyDelaySeconds * 100) / 100), lineStyle: { type: 'dashed' } },
    ],
  };
}
