// consolidation-coverage (土地综合整治, seed 004 杭政办函〔2023〕21号 二（三）): the rule layer inside the
// subject (the consolidation area 整治区) must be covered by another layer to at least minPercent —
// by default 100% of the permanent farmland built into 高标准农田 (coverLayer GBZNT). Uncovered
// slivers below the rule set's tolerance (1 m²) are digitising noise, as everywhere in the review.
// The rule reads the layers itself, so it also runs inside the ordinary machine review; a cover
// layer without data gives no-data, never a failure nor a pass.
import type { RuleKind } from './context.ts';
import { areaText, finding, fmt, num } from './context.ts';
import { coverage, CoverageLost, coverLayer } from './consolidation-coverage.repository.ts';

/** Snap grid of the fixed-precision retry, degrees (≈ 0.1 mm: far below survey precision). */
const RETRY_GRID = 1e-9;

export const consolidationCoverage: RuleKind = {
  name: 'consolidation-coverage',
  usesOverlap: false,
  validate(rule) {
    const p: string[] = [];
    if (typeof rule.coverLayer !== 'string' || !rule.coverLayer)
      p.push('coverLayer: the layer code that must cover the rule layer (e.g. GBZNT)');
    const m = num(rule.minPercent);
    if (m === null || m < 0 || m > 100) p.push('minPercent: a percentage 0–100');
    return p;
  },
  async evaluate(ctx, rule) {
    const minPercent = num(rule.minPercent)!;
    const coverCode = rule.coverLayer as string;
    const cover = await coverLayer(ctx.q, coverCode);
    if (!cover || cover.version === null || cover.features === 0) {
      return finding(ctx, rule, {
        verdict: 'no-data',
        message: `${cover ? `图层 ${coverCode} 暂无数据` : `目录中没有图层 ${coverCode}`}，无法核验${ctx.layer.name_zh}的覆盖情况（无数据 ≠ 合规），须人工核查`,
        details: { coverLayer: coverCode, reason: cover ? 'empty-layer' : 'unknown-layer' },
      });
    }
    const layers = [
      { id: ctx.layer.id, version: ctx.layer.version },
      { id: cover.id, version: cover.version },
    ] as const;
    // GEOS can fail on nearly coincident boundaries (PGlite then loses the result): retry on a grid.
    const r = await coverage(ctx.q, ctx.subject.ewkb, ...layers).catch((e) => {
      if (e instanceof CoverageLost) return coverage(ctx.q, ctx.subject.ewkb, ...layers, RETRY_GRID);
      throw e;
    });
    const base = r.base_m2 ?? 0;
    const covered = Math.min(base, r.covered_m2 ?? 0);
    const uncovered = Math.max(0, base - covered);
    const percent = base > 0 ? (covered / base) * 100 : null;
    const details = {
      baseAreaM2: base,
      coveredAreaM2: covered,
      uncoveredAreaM2: uncovered,
      coveredPercent: percent,
      minPercent,
      coverLayer: coverCode,
      coverLayerVersion: cover.version,
    };
    if (base === 0) return finding(ctx, rule, { verdict: 'pass', message: `范围内没有${ctx.layer.name_zh}，无需建设`, details });
    const geometry = r.uncovered ? JSON.parse(r.uncovered) : null;
    // Met when the share reaches the minimum (the minimum itself passes: "100%建成"), or when the
    // shortfall is only a sliver below the rule set's tolerance (digitising noise, and the ~1e-6
    // relative noise of overlaying in lon/lat).
    const shortfall = (minPercent / 100) * base - covered;
    const met = shortfall < ctx.tolerance.areaM2;
    const text = `范围内${ctx.layer.name_zh} ${areaText(base)}，位于${cover.name_zh}内 ${areaText(covered)}（${fmt(percent!)}%），要求不低于 ${fmt(minPercent)}%`;
    if (met)
      return finding(ctx, rule, {
        verdict: 'pass',
        message: text,
        details,
        areaM2: uncovered,
        belowTolerance: uncovered > 0 && percent! < minPercent,
      });
    return finding(ctx, rule, {
      verdict: rule.verdict,
      message: `${text}；尚有 ${areaText(uncovered)} 不在${cover.name_zh}内`,
      areaM2: uncovered,
      geometry,
      details,
    });
  },
};
