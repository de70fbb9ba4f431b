import { useEffect, useRef } from 'react';

import { echarts, type EChartsOption } from './chart-engine';
import styles from './Dashboard.module.css';

interface ChartProps {
  option: EChartsOption;
  /** What the chart shows, for screen readers (the figures are also in the table beside it). */
  label: string;
  /** The index of the clicked bar, slice or point. */
  onPick?: (index: number) => void;
  height?: number;
}

/** An ECharts chart (SVG, so it prints sharply) that follows its box's width. */
export function Chart({ option, label, onPick, height = 240 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const picked = useRef(onPick);
  useEffect(() => {
    picked.current = onPick;
  });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const chart = echarts.init(element, undefined, { renderer: 'svg' });
    chart.on('click', (event) => picked.current?.(event.dataIndex));
    const resizing = new ResizeObserver(() => chart.resize());
    resizing.observe(element);
    return () => {
      resizing.disconnect();
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    const element = box.current;
    if (element) echarts.getInstanceByDom(element)?.setOption(option, true);
  }, [option]);

  return <div ref={box} className={styles.chart} style={{ height }} role="img" aria-label={label} />;
}
