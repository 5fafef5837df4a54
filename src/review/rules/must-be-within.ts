// must-be-within: the project must lie inside the layer (e.g. urban construction inside 城镇开发边界).
// The conflict is the part outside: overlapAreaM2 is the area OUTSIDE the layer, and the finding's
// geometry is that outside part; details give the inside area and the share outside.
import type { RuleKind } from './context.ts';
import { aboveTolerance, areaText, finding, fmt, hits, percentOf, sliverText, sumAreas } from './context.ts';
import { outsidePart } from '../review.repository.ts';

export const mustBeWithin: RuleKind = {
  name: 'must-be-within',
  usesOverlap: true,
  validate: () => [],
  async evaluate(ctx, rule) {
    const inside = sumAreas(ctx.overlap);
    const outM2 = Math.max(0, ctx.subject.areaM2 - inside.m2);
    const outPlanar = Math.max(0, ctx.subject.planarM2 - inside.planar);
    const details = {
      insideAreaM2: inside.m2,
      insideAreaPlanarM2: inside.planar,
      outsideAreaM2: outM2,
      outsidePercent: percentOf(ctx, outM2),
    };
    const features = hits(ctx.overlap);
    // Subtracting two sums leaves float noise of ~1e-9 m² when the project is fully inside.
    if (outM2 < 1e-6) return finding(ctx, rule, { verdict: 'pass', message: `项目全部位于${ctx.layer.name_zh}内`, features, details });
    const geometry = await outsidePart(ctx.q, ctx.subject.ewkb, ctx.layer.id, ctx.layer.version);
    const g = geometry ? JSON.parse(geometry) : null;
    if (!aboveTolerance(ctx, outM2)) {
      return finding(ctx, rule, {
        verdict: 'pass',
        message: `位于${ctx.layer.name_zh}外的部分${sliverText(ctx, outM2).replace(/^仅有 /, '仅 ')}`,
        areaM2: outM2,
        planarM2: outPlanar,
        features,
        geometry: g,
        belowTolerance: true,
        details,
      });
    }
    return finding(ctx, rule, {
      verdict: rule.verdict,
      message:
        inside.m2 === 0
          ? `项目全部位于${ctx.layer.name_zh}外（${areaText(outM2)}）`
          : `项目有 ${areaText(outM2)} 位于${ctx.layer.name_zh}外，占项目面积 ${fmt(percentOf(ctx, outM2))}%`,
      areaM2: outM2,
      planarM2: outPlanar,
      features,
      geometry: g,
      details,
    });
  },
};
