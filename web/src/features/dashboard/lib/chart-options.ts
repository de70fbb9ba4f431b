import type { EChartsOption } from '../components/chart-engine';

export interface Slice {
  label: string;
  value: number;
}

const BLUE = '#1677ff';

/** Horizontal bars: long Chinese labels stay readable on a phone. */
export function barOption(slices: readonly Slice[]): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: slices.map((s) => s.label), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [{ type: 'bar', data: slices.map((s) => s.value), itemStyle: { color: BLUE }, label: { show: true, position: 'right' }, cursor: 'pointer' }],
  };
}

export function lineOption(slices: readonly Slice[]): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: slices.map((s) => s.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', data: slices.map((s) => s.value), itemStyle: { color: BLUE }, label: { show: true }, symbolSize: 8 }],
  };
}

export function pieOption(slices: readonly Slice[]): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['35%', '65%'], top: 0, bottom: 30, data: slices.map((s) => ({ name: s.label, value: s.value })), label: { formatter: '{b}: {c}' } }],
  };
}
