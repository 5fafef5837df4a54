// decline-rate: how far another indicator has fallen since a base year, in %:
// 下降率 = (基期值 − 当期值) ÷ 基期值 (domain.md §5; seed 003: 单位GDP地耗较2025年降低). The current
// value comes from the same run (the indicator it reads is computed first), the base-year value
// from the stored values (an official reported figure before a computed one).
import type { Computed, IndicatorKind } from '../types.ts';

export const declineRate: IndicatorKind = {
  name: 'decline-rate',
  label: '较基期下降率',
  description: '（基期年值 − 当年值）÷ 基期年值 × 100%，读取另一指标的当年计算值和基期年存储值（上报值优先）。',
  params: [
    { name: 'of', type: 'string', required: true, description: '被比较的指标代码，如 DWGDPJSYD' },
    { name: 'baseYear', type: 'integer', required: true, description: '基期年，如 2025' },
  ],
  check(p) {
    const out: string[] = [];
    if (typeof p.of !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(p.of)) out.push('of: an indicator code');
    if (!Number.isInteger(p.baseYear) || (p.baseYear as number) < 1990 || (p.baseYear as number) > 2100)
      out.push('baseYear: a year such as 2025');
    for (const k of Object.keys(p)) if (!['of', 'baseYear'].includes(k) && !k.startsWith('$')) out.push(`${k}: unknown parameter`);
    return out;
  },
  dependsOn: (p) => [p.of as string],
  async compute(ctx, def) {
    const of = def.params.of as string;
    const baseYear = def.params.baseYear as number;
    const now = ctx.computed.get(of);
    const one = async (region: string, cur: Computed | undefined): Promise<Computed> => {
      const base = await ctx.storedValue(of, region, baseYear);
      const provenance = {
        of,
        baseYear,
        base: base ? { value: base.value, source: base.source } : null,
        current: cur ? { value: cur.value, year: ctx.year } : null,
      };
      if (ctx.year <= baseYear) return { value: null, note: `${ctx.year} 年不晚于基期年 ${baseYear}`, provenance };
      if (!cur || cur.value === null)
        return { value: null, note: `${of} 在 ${ctx.year} 年没有数值${cur?.note ? `：${cur.note}` : ''}`, provenance };
      if (!base || base.value === null || base.value === 0) return { value: null, note: `缺少 ${of} 的 ${baseYear} 年基期值`, provenance };
      return { value: ((base.value - cur.value) / base.value) * 100, provenance };
    };
    const districts = new Map<string, Computed>();
    for (const d of ctx.districts) districts.set(d.code, await one(d.code, now?.districts.get(d.code)));
    return { city: await one(ctx.city.code, now?.city), districts };
  },
};
