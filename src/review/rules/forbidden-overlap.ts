// forbidden-overlap: any overlap with the layer is a conflict (三条控制线, X 线). Project types
// listed in allowedTypes downgrade it to a warning that states the approval still needed
// (e.g. 土地管理法 第三十五条: national major projects on permanent farmland → State Council).
import type { RuleKind } from './context.ts';
import { aboveTolerance, areaText, finding, fmt, hits, mergeGeometry, percentOf, sliverPass, sumAreas } from './context.ts';

export const forbiddenOverlap: RuleKind = {
  name: 'forbidden-overlap',
  usesOverlap: true,
  validate(rule, types) {
    const p: string[] = [];
    const allowed = rule.allowedTypes;
    if (allowed !== undefined) {
      if (typeof allowed !== 'object' || allowed === null || Array.isArray(allowed))
        p.push('allowedTypes must map project type → condition text');
      else for (const t of Object.keys(allowed)) if (!types.has(t)) p.push(`allowedTypes names unknown project type "${t}"`);
    }
    return p;
  },
  async evaluate(ctx, rule) {
    const { m2, planar } = sumAreas(ctx.overlap);
    const features = hits(ctx.overlap);
    const geometry = mergeGeometry(ctx.overlap.map((r) => r.geojson));
    if (m2 === 0) return finding(ctx, rule, { verdict: 'pass', message: `未占用${ctx.layer.name_zh}` });
    if (!aboveTolerance(ctx, m2)) return sliverPass(ctx, rule, m2, { planarM2: planar, features, geometry });
    const allowed = (rule.allowedTypes as Record<string, string> | undefined)?.[ctx.project.type];
    const base = `项目占用${ctx.layer.name_zh} ${areaText(m2)}，占项目面积 ${fmt(percentOf(ctx, m2))}%，涉及 ${features.length} 个要素`;
    const controls = rule.controls ? `；管控要求：${rule.controls}` : '';
    return finding(ctx, rule, {
      verdict: allowed ? 'warn' : rule.verdict,
      message: allowed ? `${base}。项目类型为“${ctx.project.typeName}”：${allowed}${controls}` : `${base}${controls}`,
      areaM2: m2,
      planarM2: planar,
      features,
      geometry,
      details: allowed ? { allowedType: ctx.project.type, condition: allowed } : {},
    });
  },
};
