// statistic: the indicator is a statistic entered for the region and year (for figures the store
// cannot compute, e.g. a department's reported count); the city falls back to the sum of its
// districts for additive statistics.
import type { Computed, IndicatorKind } from '../types.ts';

export const statisticKind: IndicatorKind = {
  name: 'statistic',
  label: '统计数',
  description: '直接取录入的统计数（按地区、年度）；市级缺少时，可加和的统计数取各区县之和。',
  params: [
    { name: 'statistic', type: 'string', required: true, description: '统计数代码' },
    { name: 'factor', type: 'number', required: false, description: '乘以该系数，默认 1' },
  ],
  check(p) {
    const out: string[] = [];
    if (typeof p.statistic !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(p.statistic)) out.push('statistic: a statistic code');
    if (p.factor !== undefined && !(typeof p.factor === 'number' && Number.isFinite(p.factor))) out.push('factor: a number');
    for (const k of Object.keys(p)) if (!['statistic', 'factor'].includes(k) && !k.startsWith('$')) out.push(`${k}: unknown parameter`);
    return out;
  },
  async compute(ctx, def) {
    const code = def.params.statistic as string;
    const factor = (def.params.factor as number | undefined) ?? 1;
    const one = async (region: string): Promise<Computed> => {
      const s = await ctx.statistic(code, region, ctx.year);
      if (!s) return { value: null, note: `缺少 ${ctx.year} 年统计数 ${code}（地区 ${region}）`, provenance: { statistic: null } };
      return {
        value: s.value * factor,
        provenance: { statistic: { code, region, year: ctx.year, value: s.value, factor, ...(s.summed ? { summedFrom: s.summed } : {}) } },
      };
    };
    const districts = new Map<string, Computed>();
    for (const d of ctx.districts) districts.set(d.code, await one(d.code));
    return { city: await one(ctx.city.code), districts };
  },
};
