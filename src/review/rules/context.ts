// What a rule kind sees when it evaluates one rule for one project, and the finding helpers all
// kinds share (areas in m² / 亩 / %, the sliver tolerance, Chinese messages).
import type { Queryable } from '../../db/index.ts';
import { m2ToMu } from '../../area/units.ts';
import type { FeatureHit, Finding, GeoJSONGeometry, RuleDef, SchemeIndicators, Tolerance, Verdict } from '../types.ts';
import type { LayerStateRow, OverlapRow } from '../review.repository.ts';

export interface Subject {
  ewkb: string;
  areaM2: number;
  planarM2: number;
  planarSrid: number;
}

export interface RuleContext {
  q: Queryable;
  subject: Subject;
  layer: LayerStateRow & { version: number };
  /** Per-feature overlaps of the project with the rule's layer (kinds with usesOverlap). */
  overlap: OverlapRow[];
  project: { type: string; typeName: string; indicators: SchemeIndicators };
  tolerance: Tolerance;
  /** Other layers by code, e.g. the runways for airport clearance. */
  layers: Map<string, LayerStateRow>;
  /** Declared figures (a land consolidation project's), for kinds that read them. */
  facts?: Record<string, number | boolean | null | undefined>;
}

export interface RuleKind {
  name: string;
  /** True when the kind reads ctx.overlap (computed once per layer for every rule of a run). */
  usesOverlap: boolean;
  /**
   * False for kinds that read only declared figures: evaluated even when the rule's layer has no
   * data (the layer is informational). Default true: no data in the layer gives no-data.
   */
  needsLayerData?: boolean;
  /** Problems of a rule definition of this kind (shown by the rule-set editor). */
  validate(rule: RuleDef, projectTypes: Set<string>): string[];
  evaluate(ctx: RuleContext, rule: RuleDef): Promise<Finding>;
}

export const fmt = (v: number, d = 2) => v.toLocaleString('zh-CN', { minimumFractionDigits: d, maximumFractionDigits: d });
export const areaText = (m2: number) => `${fmt(m2)} m²（${fmt(m2ToMu(m2))} 亩）`;

export function hits(rows: OverlapRow[]): FeatureHit[] {
  return rows.map((r) => ({
    fid: r.fid,
    props: r.props,
    overlapAreaM2: r.area_m2,
    overlapAreaPlanarM2: r.planar_m2,
    overlapAreaMu: m2ToMu(r.area_m2),
  }));
}

/** One MultiPolygon from the per-feature overlap pieces (display and the opinion map). */
export function mergeGeometry(geojsons: (string | null)[]): GeoJSONGeometry | null {
  const polys: unknown[] = [];
  for (const g of geojsons) {
    if (!g) continue;
    const o = JSON.parse(g) as { type: string; coordinates: unknown[] };
    if (o.type === 'MultiPolygon') polys.push(...o.coordinates);
    else if (o.type === 'Polygon') polys.push(o.coordinates);
  }
  return polys.length ? { type: 'MultiPolygon', coordinates: polys } : null;
}

export const percentOf = (ctx: RuleContext, m2: number) => (ctx.subject.areaM2 > 0 ? (m2 / ctx.subject.areaM2) * 100 : 0);

/** An area counts as a conflict only at or above the tolerance (domain.md §4: digitising slivers). */
export function aboveTolerance(ctx: RuleContext, m2: number): boolean {
  return m2 >= ctx.tolerance.areaM2 && percentOf(ctx, m2) >= ctx.tolerance.percent;
}

interface FindingFields {
  verdict: Verdict;
  message: string;
  areaM2?: number;
  planarM2?: number;
  features?: FeatureHit[];
  geometry?: GeoJSONGeometry | null;
  belowTolerance?: boolean;
  details?: Record<string, unknown>;
}

export function finding(ctx: RuleContext, rule: RuleDef, f: FindingFields): Finding {
  const areaM2 = f.areaM2 ?? 0;
  return {
    key: `${rule.id}:${rule.layer}`,
    ruleId: rule.id,
    rule: rule.kind,
    title: rule.title,
    layer: ctx.layer.code,
    layerName: ctx.layer.name_zh,
    layerVersion: ctx.layer.version,
    verdict: f.verdict,
    message: f.message,
    legalBasis: rule.legalBasis ?? ctx.layer.legal_basis,
    overlapAreaM2: areaM2,
    overlapAreaPlanarM2: f.planarM2 ?? 0,
    overlapAreaMu: m2ToMu(areaM2),
    overlapPercent: percentOf(ctx, areaM2),
    belowTolerance: f.belowTolerance ?? false,
    features: f.features ?? [],
    geometry: f.geometry ?? null,
    details: f.details ?? {},
  };
}

export function sumAreas(rows: OverlapRow[]): { m2: number; planar: number } {
  return rows.reduce((s, r) => ({ m2: s.m2 + r.area_m2, planar: s.planar + r.planar_m2 }), { m2: 0, planar: 0 });
}

export const sliverText = (ctx: RuleContext, m2: number) =>
  `仅有 ${fmt(m2)} m² 重叠（占项目 ${fmt(percentOf(ctx, m2), 3)}%），低于数字化误差容差（${fmt(ctx.tolerance.areaM2)} m² / ${ctx.tolerance.percent}%），不计为冲突`;

/** A pass for an overlap below the tolerance, still reported with its area and features so a reviewer sees the sliver. */
export const sliverPass = (
  ctx: RuleContext,
  rule: RuleDef,
  m2: number,
  f: Pick<FindingFields, 'planarM2' | 'features' | 'geometry' | 'details'>,
) => finding(ctx, rule, { verdict: 'pass', message: sliverText(ctx, m2), areaM2: m2, ...f, belowTolerance: true });

export const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
