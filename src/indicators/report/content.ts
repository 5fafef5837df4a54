// The check-up report (体检评估报告) of one year: every indicator's value, target, trend, warning
// level and the districts ranked, grouped by dimension, with the five-year evaluation view and the
// open alerts. One content object feeds the HTML, PDF and XLSX renderings, so they never disagree.
import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/index.ts';
import { DIMENSIONS, listDefinitions } from '../registry.ts';
import { cityRegion, districtsAt } from '../regions.ts';
import { loadEvaluation } from '../evaluation.ts';
import { evaluationView, indicatorHead, rankDistricts, type RankedDistrict } from '../dashboard.ts';
import { listAlerts, type Alert } from '../alerts.ts';
import { evaluationDate } from '../warning.ts';
import { provenanceText } from '../provenance.ts';
import { fmt } from '../format.ts';
import type { Level, Region } from '../types.ts';

export { fmt };

// Levels read 正常/预警/告警 (green/yellow/red) so they are never taken for the 绿色 dimension.
export const LEVEL_TEXT: Record<Level, string> = { green: '正常', yellow: '预警', red: '告警' };
export const LEVEL_COLOR: Record<Level | 'none', string> = { green: '#1e8449', yellow: '#b9770e', red: '#c0392b', none: '#6b7280' };

export interface ReportIndicator {
  code: string;
  name: string;
  dimension: string;
  unit: string;
  decimals: number;
  better: 'higher' | 'lower';
  cumulativeIndicator: boolean;
  definition: string;
  basis: string | null;
  department: string | null;
  value: number | null;
  valueText: string;
  source: 'computed' | 'reported' | null;
  note: string | null;
  cumulative: number | null;
  targetText: string;
  level: Level | null;
  levelText: string;
  reason: string;
  /** The compared series (cumulative sums for cumulative indicators) over the five years. */
  trend: { year: number; value: number | null }[];
  targetValue: number | null;
  districts: RankedDistrict[];
  provenance: string;
}

export interface ReportContent {
  title: string;
  city: Region;
  year: number;
  evaluatedOn: string;
  generatedOn: string;
  counts: { green: number; yellow: number; red: number; none: number };
  summary: string[];
  indicators: ReportIndicator[];
  dimensions: { dimension: string; indicators: ReportIndicator[] }[];
  evaluation: Awaited<ReturnType<typeof evaluationView>>;
  alerts: Alert[];
}

export async function reportContent(q: Queryable, config: Config, year: number): Promise<ReportContent> {
  const today = config.clock.today();
  const city = await cityRegion(q);
  const { regions } = await districtsAt(q, config.districts, null);
  const defs = await listDefinitions(q, { enabledOnly: true });
  const ev = await loadEvaluation(q, { indicators: defs.map((d) => d.code), regions: [city.code, ...regions.map((r) => r.code)], today });
  const years = Array.from({ length: 5 }, (_, i) => year - 4 + i);
  const order = (d: string) => {
    const i = DIMENSIONS.indexOf(d);
    return i < 0 ? 99 : i;
  };
  const cityDefs = defs
    .filter((d) => d.regionLevels.includes('city'))
    .sort((a, b) => order(a.dimension) - order(b.dimension) || (a.order ?? 0) - (b.order ?? 0));
  const indicators: ReportIndicator[] = cityDefs.map((def) => {
    const e = ev.evaluate(def, city.code, year);
    const a = e.assessment;
    const cum = def.aggregate === 'cumulative';
    const sign = a.target?.bound === 'max' ? '≤' : '≥';
    return {
      ...indicatorHead(def),
      cumulativeIndicator: cum,
      definition: def.definition,
      basis: def.basis ?? null,
      department: def.department ?? null,
      value: e.value,
      valueText: fmt(e.value, def.decimals, def.unit) + (e.source === 'reported' ? '（上报）' : ''),
      source: e.source,
      note: e.note,
      cumulative: e.cumulative,
      targetText: a.target
        ? `${a.target.year} 年 ${sign}${fmt(a.target.value, def.decimals, def.unit)}${a.target.hard ? '（底线）' : ''}${cum ? '（累计）' : ''}`
        : '—',
      level: a.level,
      levelText: a.level ? LEVEL_TEXT[a.level] : a.status === 'no-data' ? '无数据' : a.status === 'not-started' ? '未开始' : '无目标',
      reason: e.value === null && e.note ? e.note : a.reason,
      trend: years.map((y) => {
        const t = ev.evaluate(def, city.code, y);
        return { year: y, value: cum ? t.cumulative : t.value };
      }),
      targetValue: a.target?.value ?? null,
      districts: def.regionLevels.includes('district') ? rankDistricts(def, ev, regions, year) : [],
      provenance: provenanceText((e.source === 'reported' ? e.reported?.provenance : e.computed?.provenance) ?? null, e.source),
    };
  });
  const counts = { green: 0, yellow: 0, red: 0, none: 0 };
  for (const i of indicators) counts[i.level ?? 'none']++;
  const red = indicators.filter((i) => i.level === 'red').map((i) => i.name);
  const yellow = indicators.filter((i) => i.level === 'yellow').map((i) => i.name);
  const summary = [
    `本报告按“一年一体检、五年一评估”要求，对${city.name}${year}年度国土空间规划实施的 ${indicators.length} 项监测指标进行体检评估，评估日期 ${evaluationDate(year, today)}。`,
    `预警结果：正常（绿）${counts.green} 项，预警（黄）${counts.yellow} 项，告警（红）${counts.red} 项，无目标或无数据 ${counts.none} 项。`,
    ...(red.length ? [`告警（红）指标：${red.join('、')}，须由责任部门限期研判整改。`] : []),
    ...(yellow.length ? [`预警（黄）指标：${yellow.join('、')}，进度滞后于时序或接近底线，应加快推进。`] : []),
    '预警规则：进度指标以完成度与时间进度之比衡量（达到时序进度为正常，达到其 80% 为预警，低于 80% 为告警，比例可配置）；水平指标以数值与目标之比衡量；底线指标（耕地保有量、永久基本农田、工业用地规模等）一旦低于目标立即告警，高出不足 1% 为预警。',
  ];
  const dims: string[] = [];
  for (const i of indicators) if (!dims.includes(i.dimension)) dims.push(i.dimension);
  return {
    title: `${city.name}${year}年度国土空间规划实施体检评估报告`,
    city,
    year,
    evaluatedOn: evaluationDate(year, today),
    generatedOn: today,
    counts,
    summary,
    indicators,
    dimensions: dims.map((d) => ({ dimension: d, indicators: indicators.filter((i) => i.dimension === d) })),
    evaluation: await evaluationView(q, config, { to: year, span: 5 }),
    alerts: (await listAlerts(q, undefined, { status: 'active', year, limit: 200 })).items,
  };
}
