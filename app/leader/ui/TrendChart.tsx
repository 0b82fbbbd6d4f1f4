'use client';

import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { useEffect, useMemo, useState } from 'react';
import type { IndicatorTrend } from '../../../server/protocol/rest';
import { indicatorLabel } from '../../lib/indicator-format';
import { useLeaderT } from '../strings';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

/** The root font size in px: the page's type scale (14 px on a phone, ≈31 px on a 4K wall) sizes the chart too. */
function useRem(): number {
  const [rem, setRem] = useState(14);
  useEffect(() => {
    const read = () => setRem(parseFloat(getComputedStyle(document.documentElement).fontSize) || 14);
    read();
    window.addEventListener('resize', read);
    return () => window.removeEventListener('resize', read);
  }, []);
  return rem;
}

const COLOURS = { reported: '#38bdf8', closed: '#22c55e', rate: '#f59e0b', axis: '#93a4bd', grid: 'rgba(148, 163, 184, 0.18)' };

function bucketLabel(start: string, bucket: IndicatorTrend['bucket']): string {
  if (bucket === 'month') return start.slice(0, 7);
  return start.slice(5);
}

/**
 * New and closed cases per bucket (bars) with the on-time handling rate (line, right
 * axis) over the trend period. ECharts with only the parts used (tree-shaken core).
 */
export default function TrendChart({ trend, stale }: { trend: IndicatorTrend | null; stale: boolean }) {
  const tr = useLeaderT();
  const rem = useRem();
  const option = useMemo(() => {
    if (!trend) return null;
    const labels = trend.series.map((b) => bucketLabel(b.start, trend.bucket));
    const text = { color: COLOURS.axis, fontSize: Math.round(rem * 0.85) };
    return {
      animation: false,
      aria: { enabled: true },
      color: [COLOURS.reported, COLOURS.closed, COLOURS.rate],
      grid: { left: rem * 2.6, right: rem * 3, top: rem * 2.6, bottom: rem * 1.8 },
      legend: { top: 0, textStyle: text, itemWidth: rem, itemHeight: rem * 0.7 },
      tooltip: {
        trigger: 'axis',
        textStyle: { fontSize: Math.round(rem * 0.9) },
        valueFormatter: (v: unknown) => (v === null || v === undefined || v === '-' ? '—' : String(v)),
      },
      xAxis: { type: 'category', data: labels, axisLabel: text, axisLine: { lineStyle: { color: COLOURS.grid } } },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: text, splitLine: { lineStyle: { color: COLOURS.grid } } },
        { type: 'value', min: 0, max: 100, axisLabel: { ...text, formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: indicatorLabel('reported', tr.lang), type: 'bar', data: trend.series.map((b) => b.reported), barMaxWidth: rem * 1.4 },
        { name: indicatorLabel('closed', tr.lang), type: 'bar', data: trend.series.map((b) => b.closed), barMaxWidth: rem * 1.4 },
        {
          name: indicatorLabel('onTimeHandleRate', tr.lang),
          type: 'line',
          yAxisIndex: 1,
          connectNulls: false,
          symbolSize: rem * 0.45,
          lineStyle: { width: Math.max(2, rem * 0.16) },
          data: trend.series.map((b) => (b.onTimeHandleRate === null ? null : Math.round(b.onTimeHandleRate * 1000) / 10)),
        },
      ],
    };
  }, [trend, rem, tr.lang]);

  return (
    <section className="leader-panel leader-trend" aria-labelledby="trend-title" data-stale={stale} data-testid="trend">
      <h2 id="trend-title" className="leader-panel-title">
        {tr.s('trend')}
        <span className="leader-panel-hint">{tr.s('trendHint')}</span>
      </h2>
      {option ? (
        <ReactEChartsCore echarts={echarts} option={option} notMerge lazyUpdate className="leader-trend-chart" opts={{ renderer: 'canvas' }} />
      ) : (
        <p className="leader-empty">{tr.s('loading')}</p>
      )}
    </section>
  );
}
