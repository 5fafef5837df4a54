// consolidation-ratio: a numeric limit of a land consolidation project (土地综合整治, seed 004
// 杭政办函〔2023〕21号, domain.md §7) on the project's figures: numerator ÷ denominator, in percent,
// against `threshold` — at least (bound min) or at most (bound max). The threshold itself passes.
// A max rule may have a `cap` (e.g. permanent-farmland adjustment: 3% in principle, 5% at most):
// between threshold and cap → warn; above the cap → the rule's verdict, unless the fact named by
// `approvalFact` is true (provincial approval, 报经省级以上自然资源部门批准) → warn. The figures
// (ctx.facts) come from the consolidation project (src/farmland/consolidation.ts); a review run
// without them gets no-data, never a pass.
import type { RuleContext, RuleKind } from './context.ts';
import { areaText, finding, fmt, num } from './context.ts';

export type ConsolidationFacts = Record<string, number | boolean | null | undefined>;
export type ConsolidationContext = RuleContext & { facts?: ConsolidationFacts };

export const consolidationRatio: RuleKind = {
  name: 'consolidation-ratio',
  usesOverlap: false,
  needsLayerData: false,
  validate(rule) {
    const p: string[] = [];
    for (const k of ['numerator', 'denominator'])
      if (typeof rule[k] !== 'string' || !rule[k]) p.push(`${k}: the name of a project figure (e.g. newCultivatedM2)`);
    if (rule.bound !== 'min' && rule.bound !== 'max') p.push('bound: "min" (at least) or "max" (at most)');
    const t = num(rule.threshold);
    if (t === null || t < 0) p.push('threshold: a percentage ≥ 0');
    if (rule.cap !== undefined) {
      const c = num(rule.cap);
      if (rule.bound !== 'max') p.push('cap: only for bound "max"');
      else if (c === null || t === null || c < t) p.push('cap: a percentage ≥ threshold');
    }
    if (rule.approvalFact !== undefined && typeof rule.approvalFact !== 'string')
      p.push('approvalFact: the name of a yes/no project figure');
    return p;
  },
  async evaluate(ctx, rule) {
    const facts = (ctx as ConsolidationContext).facts;
    const nk = rule.numerator as string;
    const dk = rule.denominator as string;
    const label = (k: string) => (rule.labels as Record<string, string> | undefined)?.[k] ?? k;
    const n = facts ? num(facts[nk]) : null;
    const d = facts ? num(facts[dk]) : null;
    if (n === null || d === null) {
      const missing = [n === null ? label(nk) : null, d === null ? label(dk) : null].filter(Boolean).join('、');
      return finding(ctx, rule, {
        verdict: 'no-data',
        message: `缺少整治项目数据：${missing}，无法核验（无数据 ≠ 合规），须人工核查`,
        details: { missing: [n === null ? nk : null, d === null ? dk : null].filter(Boolean) },
      });
    }
    const threshold = num(rule.threshold)!;
    const cap = rule.cap === undefined ? null : num(rule.cap);
    // Compare n·100 with limit·d rather than dividing, so "exactly 5%" stays exactly 5%; the 1e-8
    // relative slack absorbs floating-point noise and the ~1e-9 difference between a measured
    // (ellipsoidal) denominator and the planar figure it was declared from — 0.000001 percentage
    // points, far below any policy limit.
    const within = (limit: number) => {
      const eps = 1e-8 * Math.max(1, Math.abs(n * 100), Math.abs(limit * d));
      return rule.bound === 'min' ? n * 100 >= limit * d - eps : n * 100 <= limit * d + eps;
    };
    const percent = d > 0 ? (n / d) * 100 : n > 0 ? null : 0;
    const details = { numerator: nk, denominator: dk, numeratorValue: n, denominatorValue: d, percent, threshold, cap, bound: rule.bound };
    const show = (k: string, v: number) => (/M2$/.test(k) ? areaText(v) : fmt(v));
    const text = `${label(nk)} ${show(nk, n)}，${label(dk)} ${show(dk, d)}，比例 ${percent === null ? '—（分母为 0）' : `${fmt(percent)}%`}，要求${rule.bound === 'min' ? '不低于' : '不超过'} ${fmt(threshold)}%`;
    if (within(threshold)) return finding(ctx, rule, { verdict: 'pass', message: text, details });
    if (cap !== null && within(cap))
      return finding(ctx, rule, { verdict: 'warn', message: `${text}；超过原则控制比例但未超过上限 ${fmt(cap)}%，须说明理由`, details });
    const approval = typeof rule.approvalFact === 'string' && facts?.[rule.approvalFact] === true;
    if (approval)
      return finding(ctx, rule, {
        verdict: 'warn',
        message: `${text}${cap !== null ? `；超过上限 ${fmt(cap)}%` : ''}，已报经省级以上自然资源部门批准`,
        details: { ...details, approval: true },
      });
    return finding(ctx, rule, {
      verdict: rule.verdict,
      message: `${text}${cap !== null ? `；超过上限 ${fmt(cap)}%，须报经省级以上自然资源部门批准` : ''}`,
      details,
    });
  },
};
