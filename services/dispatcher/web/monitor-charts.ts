import { DISPATCH_CHANNEL_TITLES, type DispatchChannel } from '@doitcrm/types';
import type { Overview, Realtime } from './monitor-api.ts';

/** The option objects of the monitor's charts, built from the API's answers (pure, so the panel stays a template). */
const title = (channel: DispatchChannel) => DISPATCH_CHANNEL_TITLES[channel];
const percent = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 10);

export function trendOption(overview: Overview, phone: boolean) {
  // the last day is the one in progress: labelled, so its dip is not read as a collapse
  const labels = overview.trend.map((day, index) => (index === overview.trend.length - 1 && day.day === overview.to ? `${day.day.slice(5)}（至今）` : day.day.slice(5)));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: labels },
    yAxis: [
      { type: 'value', minInterval: 1 },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, ...(phone ? {} : { name: '成功率' }) },
    ],
    series: [
      { type: 'line', name: '发送成功', data: overview.trend.map((day) => day.sent), smooth: true },
      { type: 'line', name: '失败', data: overview.trend.map((day) => day.failed), smooth: true, itemStyle: { color: '#f56c6c' } },
      { type: 'line', name: '成功率', yAxisIndex: 1, data: overview.trend.map((day) => percent(day.successRate)), lineStyle: { type: 'dashed' }, itemStyle: { color: '#67c23a' } },
    ],
  };
}

export function channelPieOption(overview: Overview, phone: boolean) {
  const data = overview.channels.filter((channel) => channel.sent + channel.failed > 0).map((channel) => ({ name: title(channel.channel), value: channel.sent + channel.failed }));
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 条（{d}%）' },
    legend: { type: 'scroll', bottom: 0 },
    // a phone has no room for labels beside the ring: the legend and the tooltip name the slices
    series: [{ type: 'pie', radius: ['35%', '62%'], center: ['50%', '45%'], data, label: { show: !phone, formatter: '{b}\n{d}%' } }],
  };
}

export function channelSuccessOption(overview: Overview) {
  const channels = overview.channels.filter((channel) => channel.sent + channel.failed > 0);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (value: number | null) => (value === null ? '—' : `${value}%`) },
    grid: { left: 120, right: 40, top: 10, bottom: 24 },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: channels.map((channel) => title(channel.channel)) },
    series: [{
      type: 'bar', name: '成功率', data: channels.map((channel) => percent(channel.successRate)), barMaxWidth: 18,
      label: { show: true, position: 'right', formatter: '{c}%' }, itemStyle: { color: '#409eff' },
    }],
  };
}

export function utilisationOption(realtime: Realtime) {
  const value = realtime.workers.utilisation === null ? 0 : Math.round(realtime.workers.utilisation * 100);
  return {
    series: [{
      type: 'gauge', animation: false, min: 0, max: 100, progress: { show: true, width: 12 }, axisLine: { lineStyle: { width: 12 } },
      axisLabel: { distance: 16, fontSize: 10 }, splitLine: { length: 8 }, pointer: { width: 4 },
      detail: { formatter: '{value}%', fontSize: 20, offsetCenter: [0, '70%'] },
      title: { offsetCenter: [0, '95%'], fontSize: 12 },
      data: [{ value, name: `${realtime.workers.busy} / ${realtime.workers.capacity} 个发送槽在用` }],
    }],
  };
}

const TIER_NAMES = ['批量 (0–2)', '普通 (3–5)', '高 (6–8)', '紧急 (9–10)'];

/** Ready messages per channel, stacked by priority tier; a queue not declared yet counts as empty. */
export function queueDepthOption(realtime: Realtime) {
  const channels = [...new Set(realtime.queues.filter((queue) => queue.channel !== null).map((queue) => queue.channel!))];
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 120, right: 24, top: 32, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: channels.map(title) },
    series: TIER_NAMES.map((name, tier) => ({
      type: 'bar', name, stack: 'depth', barMaxWidth: 18,
      data: channels.map((channel) => realtime.queues.find((queue) => queue.channel === channel && queue.tier === tier)?.messages ?? 0),
    })),
  };
}
