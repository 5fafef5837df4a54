// plan-indicators: the scheme's FAR / height / density / green ratio against the limits of every
// detailed-plan unit (详细规划单元) the project lies in. Upper bounds (容积率上限, 限高, 建筑密度上限)
// and lower bounds (绿地率下限) are per indicator in the rule; the strictest unit decides.
import type { RuleKind } from './context.ts';
import { aboveTolerance, finding, fmt, hits, num } from './context.ts';
import type { SchemeIndicators } from '../types.ts';

interface IndicatorSpec {
  field: string;
  bound: 'max' | 'min';
  label: string;
  unit: string;
}

export const planIndicators: RuleKind = {
  name: 'plan-indicators',
  usesOverlap: true,
  validate(rule) {
    const p: string[] = [];
    const ind = rule.indicators as Record<string, IndicatorSpec> | undefined;
    if (!ind || typeof ind !== 'object')
      return ['indicators: { far|height|density|greenRatio: { field, bound: max|min, label, unit } } required'];
    for (const [k, s] of Object.entries(ind)) {
      if (!['far', 'height', 'density', 'greenRatio'].includes(k))
        p.push(`indicators.${k}: unknown indicator (far, height, density, greenRatio)`);
      if (!s || typeof s.field !== 'string' || (s.bound !== 'max' && s.bound !== 'min'))
        p.push(`indicators.${k}: field and bound (max|min) required`);
    }
    return p;
  },
  async evaluate(ctx, rule) {
    const specs = rule.indicators as Record<keyof SchemeIndicators, IndicatorSpec>;
    const units = ctx.overlap.filter((r) => aboveTolerance(ctx, r.area_m2));
    const given = (Object.keys(specs) as (keyof SchemeIndicators)[]).filter((k) => ctx.project.indicators[k] !== undefined);
    const features = hits(units);
    if (units.length === 0)
      return finding(ctx, rule, { verdict: 'pass', message: `项目不在任何${ctx.layer.name_zh}内，无控制指标`, details: { checks: [] } });
    if (given.length === 0) {
      return finding(ctx, rule, {
        verdict: 'warn',
        message: `未提供方案指标（容积率、建筑高度、建筑密度、绿地率），无法核验${ctx.layer.name_zh}控制指标，须人工核验`,
        features,
        details: { checks: [] },
      });
    }
    const checks: {
      indicator: string;
      label: string;
      unit: string;
      value: number;
      limit: number | null;
      bound: 'max' | 'min';
      unitFid: string;
      ok: boolean | null;
    }[] = [];
    for (const u of units) {
      for (const k of given) {
        const s = specs[k];
        const value = ctx.project.indicators[k]!;
        const limit = num(u.props[s.field]);
        const ok = limit === null ? null : s.bound === 'max' ? value <= limit : value >= limit;
        checks.push({ indicator: k, label: s.label, unit: s.unit, value, limit, bound: s.bound, unitFid: u.fid, ok });
      }
    }
    const broken = checks.filter((c) => c.ok === false);
    const unknown = checks.filter((c) => c.ok === null);
    const say = (c: (typeof checks)[number]) =>
      `${c.label} ${fmt(c.value, c.unit === '' ? 2 : 1)}${c.unit} ${c.bound === 'max' ? '超过上限' : '低于下限'} ${fmt(c.limit!, c.unit === '' ? 2 : 1)}${c.unit}（单元 ${c.unitFid}）`;
    if (broken.length)
      return finding(ctx, rule, {
        verdict: rule.verdict,
        message: `方案指标不符合详细规划：${broken.map(say).join('；')}`,
        features,
        details: { checks },
      });
    if (unknown.length) {
      return finding(ctx, rule, {
        verdict: 'warn',
        message: `单元缺少控制指标：${[...new Set(unknown.map((c) => `${c.unitFid} 无${c.label}`))].join('、')}，须人工核验`,
        features,
        details: { checks },
      });
    }
    return finding(ctx, rule, {
      verdict: 'pass',
      message: `方案指标符合${units.length}个详细规划单元的控制要求`,
      features,
      details: { checks },
    });
  },
};
