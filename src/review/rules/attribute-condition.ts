// attribute-condition: the project may only sit on features whose attribute allows it, e.g. urban
// construction not on land planned as 01 耕地 / 03 林地 / 17 陆地水域 (用地用海分类, 2023). Codes are
// matched by prefix so a rule on "01" covers 0101 水田, 0102 水浇地, 0103 旱地.
import type { RuleKind } from './context.ts';
import { aboveTolerance, areaText, finding, fmt, hits, mergeGeometry, percentOf, sliverPass, sumAreas } from './context.ts';

const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);

export const attributeCondition: RuleKind = {
  name: 'attribute-condition',
  usesOverlap: true,
  validate(rule) {
    const p: string[] = [];
    if (typeof rule.field !== 'string' || !rule.field) p.push('field required');
    const allowed = list(rule.allowedPrefixes);
    const forbidden = list(rule.forbiddenPrefixes);
    if (!allowed === !forbidden) p.push('give exactly one of allowedPrefixes or forbiddenPrefixes (arrays of code prefixes)');
    return p;
  },
  async evaluate(ctx, rule) {
    const field = rule.field as string;
    const fieldName = ctx.layer.attr_schema?.find((x) => x.name === field)?.label ?? field;
    const allowed = list(rule.allowedPrefixes);
    const forbidden = list(rule.forbiddenPrefixes);
    const bad = (v: unknown) => {
      const code = v === null || v === undefined ? '' : String(v);
      return allowed ? !allowed.some((p) => code.startsWith(p)) : forbidden!.some((p) => code.startsWith(p));
    };
    const offending = ctx.overlap.filter((r) => bad(r.props[field]));
    const byValue = new Map<string, { label: string; m2: number }>();
    for (const r of offending) {
      const code = String(r.props[field] ?? '（空）');
      const label = rule.labelField ? String(r.props[rule.labelField as string] ?? '') : '';
      const e = byValue.get(code) ?? { label, m2: 0 };
      e.m2 += r.area_m2;
      byValue.set(code, e);
    }
    const { m2, planar } = sumAreas(offending);
    const details = {
      field,
      byValue: [...byValue].map(([code, v]) => ({ code, label: v.label, areaM2: v.m2 })).sort((a, b) => b.areaM2 - a.areaM2),
    };
    const features = hits(offending);
    const geometry = mergeGeometry(offending.map((r) => r.geojson));
    if (m2 === 0) return finding(ctx, rule, { verdict: 'pass', message: `项目所在${ctx.layer.name_zh}的${fieldName}均符合要求`, details });
    if (!aboveTolerance(ctx, m2)) return sliverPass(ctx, rule, m2, { planarM2: planar, features, geometry, details });
    const codes = details.byValue
      .slice(0, 5)
      .map((v) => `${v.code}${v.label ? ` ${v.label}` : ''} ${fmt(v.areaM2)} m²`)
      .join('、');
    return finding(ctx, rule, {
      verdict: rule.verdict,
      message: `${rule.message ?? `${fieldName}不符合要求`}：${areaText(m2)}，占项目面积 ${fmt(percentOf(ctx, m2))}%（${codes}）`,
      areaM2: m2,
      planarM2: planar,
      features,
      geometry,
      details,
    });
  },
};
