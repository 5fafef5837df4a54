// ECharts options of the indicators pages: a trend line against the target (dashed), and the
// districts ranked as horizontal bars coloured by warning level.
import { t } from '../../i18n/index.ts';
import { num } from '../../format.ts';
import { FONT } from '../../components/echarts.ts';
import { LEVEL_COLOR, fmtValue, type DashboardIndicator } from './indicators-api.ts';

const axisLabel = (d: number) => ({ fontFamily: FONT, color: '#6b7280', formatter: (v: number) => num(v, Math.min(d, 2)) });

/**
 * The trend: the yearly values as a line; for cumulative indicators the yearly values as bars and
 * the running sum since the base year as the line the target (dashed) is read against.
 */
export function trendOption(i: DashboardIndicator): Record<string, unknown> {
  const cum = i.aggregate === 'cumulative';
  const years = i.trend.map((p) => String(p.year));
  const target = i.target;
  const markLine = target
    ? {
        symbol: 'none',
        silent: true,
        lineStyle: { type: 'dashed', color: '#c0392b' },
        label: {
          formatter: `${t('indicators.target')} ${target.bound === 'min' ? '≥' : '≤'}${fmtValue(target.value, i.decimals, i.unit)}（${target.year}）`,
          fontFamily: FONT,
          color: '#c0392b',
          position: 'insideEndTop',
        },
        data: [{ yAxis: target.value }],
      }
    : undefined;
  const line = (name: string, data: (number | null)[], withTarget: boolean) => ({
    name,
    type: 'line',
    data,
    symbolSize: 8,
    connectNulls: true,
    lineStyle: { width: 2.5, color: '#1f5fa8' },
    itemStyle: { color: '#1f5fa8' },
    markLine: withTarget ? markLine : undefined,
  });
  const series = cum
    ? [
        { name: t('indicators.value'), type: 'bar', data: i.trend.map((p) => p.value), barMaxWidth: 18, itemStyle: { color: '#9ec1e6' } },
        line(
          t('indicators.cumulative'),
          i.trend.map((p) => p.cumulative),
          true,
        ),
      ]
    : [
        line(
          i.name,
          i.trend.map((p) => p.value),
          true,
        ),
      ];
  return {
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: 64, right: 24, top: cum ? 34 : 28, bottom: 28 },
    legend: cum ? { top: 0, right: 8, textStyle: { fontFamily: FONT, fontSize: 11 }, itemHeight: 8 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtValue(v, i.decimals, i.unit) },
    xAxis: { type: 'category', data: years, axisLabel: { fontFamily: FONT } },
    yAxis: {
      type: 'value',
      scale: !cum,
      name: i.unit,
      nameTextStyle: { fontFamily: FONT, color: '#6b7280' },
      axisLabel: axisLabel(i.decimals),
    },
    series,
  };
}

export function rankingOption(i: DashboardIndicator): Record<string, unknown> {
  const rows = [...i.districts].reverse();
  return {
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: 64, right: 72, top: 8, bottom: 8 },
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${p.name}：${fmtValue(p.value, i.decimals, i.unit)}` },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: { fontFamily: FONT, color: '#374151' },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 14,
        data: rows.map((r) => ({ value: r.value, itemStyle: { color: LEVEL_COLOR[r.level ?? 'none'] } })),
        label: {
          show: true,
          position: 'right',
          fontFamily: FONT,
          color: '#374151',
          formatter: (p: { value: number | null }) => fmtValue(p.value, i.decimals, i.unit),
        },
      },
    ],
  };
}
