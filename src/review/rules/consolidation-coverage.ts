// consolidation-coverage (土地综合整治, seed 004 杭政办函〔2023〕21号 二（三）): the permanent farmland
// inside the consolidation area (整治区 = the subject) must be covered by another layer to at least
// minPercent — by default 100% built into 高标准农田 (coverLayer GBZNT). Uncovered slivers below the
// rule set's tolerance (1 m²) are digitising noise, as everywhere in the review. The rule reads the
// layers itself (one statement below), so it also runs inside the ordinary machine review.
import type { RuleKind } from './context.ts';
import { areaText, finding, fmt, num } from './context.ts';

interface CoverageRow {
  base_m2: number | null;
  covered_m2: number | null;
  uncovered: string | null;
  cover_version: number | null;
}

export const consolidationCoverage: RuleKind = {
  name: 'consolidation-coverage',
  usesOverlap: false,
  validate(rule) {
    const p: string[] = [];
    if (typeof rule.coverLayer !== 'string' || !rule.coverLayer) p.push('coverLayer: the layer code that must cover the rule layer (e.g. GBZNT)');
    const m = num(rule.minPercent);
    if (m === null || m < 0 || m > 100) p.push('minPercent: a percentage 0–100');
    return p;
  },
  async evaluate(ctx, rule) {
    const minPercent = num(rule.minPercent)!;
    const r = (await ctx.q.query<CoverageRow>(
      `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
            c AS (SELECT id, active_version AS v FROM layer WHERE code = $4),
            b AS (SELECT ST_Union(ST_Intersection(p.geom, s.g)) AS g FROM feature_piece p, s
                   WHERE p.layer_id = $2 AND p.v_from <= $3 AND (p.v_to IS NULL OR p.v_to > $3) AND p.geom && s.g AND ST_Intersects(p.geom, s.g)),
            k AS (SELECT ST_Union(ST_Intersection(p.geom, b.g)) AS g FROM feature_piece p, b, c
                   WHERE b.g IS NOT NULL AND p.layer_id = c.id AND p.v_from <= c.v AND (p.v_to IS NULL OR p.v_to > c.v) AND p.geom && b.g AND ST_Intersects(p.geom, b.g))
       SELECT ST_Area(b.g::geography) AS base_m2, coalesce(ST_Area(k.g::geography), 0) AS covered_m2, (SELECT v FROM c) AS cover_version,
              ST_AsGeoJSON(ST_CollectionExtract(CASE WHEN k.g IS NULL THEN b.g ELSE ST_Difference(b.g, k.g) END, 3), 7) AS uncovered
         FROM b, k`,
      [ctx.subject.ewkb, ctx.layer.id, ctx.layer.version, rule.coverLayer])).rows[0];
    const base = r?.base_m2 ?? 0;
    const covered = Math.min(base, r?.covered_m2 ?? 0);
    const uncovered = Math.max(0, base - covered);
    const percent = base > 0 ? (covered / base) * 100 : null;
    const details = { baseAreaM2: base, coveredAreaM2: covered, uncoveredAreaM2: uncovered, coveredPercent: percent, minPercent, coverLayer: rule.coverLayer, coverLayerVersion: r?.cover_version ?? null };
    if (base === 0) return finding(ctx, rule, { verdict: 'pass', message: `整治区内没有${ctx.layer.name_zh}，无需建设`, details });
    const geometry = r?.uncovered ? JSON.parse(r.uncovered) : null;
    // Met when the share reaches the minimum, or when what is missing is only a sliver.
    const met = percent! >= minPercent || uncovered < ctx.tolerance.areaM2;
    const text = `整治区内${ctx.layer.name_zh} ${areaText(base)}，已建成 ${areaText(covered)}（${fmt(percent!)}%），要求不低于 ${fmt(minPercent)}%`;
    if (met) return finding(ctx, rule, { verdict: 'pass', message: text, details, areaM2: uncovered, belowTolerance: uncovered > 0 && percent! < minPercent });
    return finding(ctx, rule, { verdict: rule.verdict, message: `${text}；尚有 ${areaText(uncovered)} 未建成`, areaM2: uncovered, geometry, details });
  },
};
