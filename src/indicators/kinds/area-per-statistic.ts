// area-per-statistic: an area (measured as layer-area does) divided by a statistic entered for the
// region and year: 单位GDP建设用地使用面积 = construction land ÷ GDP (m²/万元), 人均城镇建设用地 = urban
// construction land ÷ urban resident population (m²/人) (domain.md §5). statisticFactor turns the
// statistic's unit into the denominator's (GDP in 亿元 × 10000 = 万元; population in 万人 × 10000 = 人).
import type { Computed, IndicatorKind, KindContext } from '../types.ts';
import { checkArea, measureArea, missing } from './common.ts';

interface Params {
  area: { layer: string; field?: string; codes?: string[]; prefixes?: string[]; within?: string | null };
  statistic: string;
  statisticFactor?: number;
}

export const areaPerStatistic: IndicatorKind = {
  name: 'area-per-statistic',
  label: '面积 ÷ 统计数',
  description: '图层面积（m²）除以录入的统计数（如地区生产总值、城镇常住人口）乘以换算系数。',
  params: [
    { name: 'area', type: 'object', required: true, description: '面积参数：layer、field、codes、prefixes、within（同图层面积）' },
    { name: 'statistic', type: 'string', required: true, description: '统计数代码，如 GDP、CZCZRK' },
    { name: 'statisticFactor', type: 'number', required: false, description: '统计数换算系数（亿元→万元、万人→人为 10000），默认 1' },
  ],
  check(p) {
    const out: string[] = [];
    if (!p.area || typeof p.area !== 'object' || Array.isArray(p.area))
      out.push('area: an object with the layer-area parameters (without unit)');
    else out.push(...checkArea(p.area as Record<string, unknown>, 'area.', false));
    if (typeof p.statistic !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(p.statistic))
      out.push('statistic: a statistic code such as GDP');
    if (p.statisticFactor !== undefined && !(typeof p.statisticFactor === 'number' && p.statisticFactor > 0))
      out.push('statisticFactor: a number > 0');
    for (const k of Object.keys(p))
      if (!['area', 'statistic', 'statisticFactor'].includes(k) && !k.startsWith('$')) out.push(`${k}: unknown parameter`);
    return out;
  },
  async compute(ctx: KindContext, def) {
    const p = def.params as unknown as Params;
    const factor = p.statisticFactor ?? 1;
    const a = await measureArea(ctx, p.area);
    if ('note' in a) return missing(ctx, a.note);
    const one = async (region: string, m2: number, extra: Record<string, unknown>): Promise<Computed> => {
      const s = await ctx.statistic(p.statistic, region, ctx.year);
      const statistic = s
        ? { code: p.statistic, region, year: ctx.year, value: s.value, factor, ...(s.summed ? { summedFrom: s.summed } : {}) }
        : null;
      if (!s)
        return {
          value: null,
          note: `缺少 ${ctx.year} 年统计数 ${p.statistic}（地区 ${region}）`,
          provenance: { ...extra, areaM2: m2, statistic },
        };
      if (s.value <= 0) return { value: null, note: `统计数 ${p.statistic} 不大于 0`, provenance: { ...extra, areaM2: m2, statistic } };
      return { value: m2 / (s.value * factor), provenance: { ...extra, areaM2: m2, statistic } };
    };
    const districts = new Map<string, Computed>();
    for (const [code, d] of a.districts)
      districts.set(code, await one(code, d.m2, { layers: a.provenance.layers, filter: a.provenance.filter, within: a.provenance.within }));
    return { city: await one(ctx.city.code, a.city.m2, a.provenance), districts };
  },
};
