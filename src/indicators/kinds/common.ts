// Helpers the computation kinds share: parameter checks, area units and the area of a layer by
// district as of the year (layer-area and area-per-statistic both measure land this way).
import { m2ToMu } from '../../area/units.ts';
import type { Queryable } from '../../db/index.ts';
import { LostOverlay } from '../../db/geos.repository.ts';
import * as layers from '../layers.repository.ts';
import type { Computed, ComputedSet, KindContext, LayerAt } from '../types.ts';

/** Area units an indicator may report in: 亩 and 万亩 (seeds count in them), 公顷, km², m². */
export const AREA_UNITS: Record<string, { label: string; perM2: (m2: number) => number }> = {
  m2: { label: 'm²', perM2: (m2) => m2 },
  mu: { label: '亩', perM2: (m2) => m2ToMu(m2) },
  wanmu: { label: '万亩', perM2: (m2) => m2ToMu(m2) / 10000 },
  ha: { label: '公顷', perM2: (m2) => m2 / 10000 },
  km2: { label: 'km²', perM2: (m2) => m2 / 1e6 },
};

const CODE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

export const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 40);

/** Problems of the parameters shared by the area kinds (prefix names the parameter path). */
export function checkArea(p: Record<string, unknown>, prefix: string, withUnit: boolean): string[] {
  const out: string[] = [];
  if (typeof p.layer !== 'string' || !CODE.test(p.layer)) out.push(`${prefix}layer: a layer code such as DLTB is required`);
  if (p.field !== undefined && (typeof p.field !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(p.field)))
    out.push(`${prefix}field: an attribute name such as DLBM`);
  for (const k of ['codes', 'prefixes'])
    if (p[k] !== undefined && !isStringList(p[k])) out.push(`${prefix}${k}: a list of attribute values`);
  if ((p.codes !== undefined || p.prefixes !== undefined) && p.field === undefined)
    out.push(`${prefix}field: required with codes/prefixes`);
  if (p.field !== undefined && p.codes === undefined && p.prefixes === undefined)
    out.push(`${prefix}codes or ${prefix}prefixes: required with field`);
  if (p.within !== undefined && p.within !== null && (typeof p.within !== 'string' || !CODE.test(p.within)))
    out.push(`${prefix}within: a layer code such as CZKFBJ`);
  if (withUnit && !(typeof p.unit === 'string' && p.unit in AREA_UNITS))
    out.push(`${prefix}unit: one of ${Object.keys(AREA_UNITS).join(', ')}`);
  const known = new Set(['layer', 'field', 'codes', 'prefixes', 'within', ...(withUnit ? ['unit'] : [])]);
  for (const k of Object.keys(p)) if (!known.has(k) && !k.startsWith('$')) out.push(`${prefix}${k}: unknown parameter`);
  return out;
}

export interface AreaSet {
  city: { m2: number; features: number };
  districts: Map<string, { m2: number; features: number }>;
  provenance: Record<string, unknown>;
}

const versionOf = (l: LayerAt) => ({ layer: l.code, version: l.version, validFrom: l.validFrom });

/**
 * Area of a layer (filtered, optionally clipped) as of the year, city-wide and by district.
 * Returns a note instead when the layer had no version for the year.
 */
export async function measureArea(
  ctx: KindContext,
  p: { layer: string; field?: string; codes?: string[]; prefixes?: string[]; within?: string | null },
): Promise<AreaSet | { note: string }> {
  const layer = await ctx.layerAt(p.layer);
  if (!layer)
    return {
      note: `图层 ${p.layer} 在 ${ctx.year} 年${ctx.current ? '' : '末'}没有数据版本 (layer ${p.layer} had no version for ${ctx.year})`,
    };
  const within = p.within ? await ctx.layerAt(p.within) : null;
  if (p.within && !within)
    return {
      note: `图层 ${p.within} 在 ${ctx.year} 年${ctx.current ? '' : '末'}没有数据版本 (layer ${p.within} had no version for ${ctx.year})`,
    };
  const at = await ctx.layerAt(ctx.config.districts.layer);
  const xzq = at && { ...at, codeField: ctx.config.districts.codeField };
  const { rows, grid } = await areaRows(
    ctx.db,
    layer,
    { field: p.field, codes: p.codes, prefixes: p.prefixes },
    within,
    xzq,
    ctx.districts.map((d) => d.code),
  );
  const districts = new Map<string, { m2: number; features: number }>();
  for (const d of ctx.districts) districts.set(d.code, { m2: 0, features: 0 });
  let m2 = 0;
  let features = 0;
  for (const r of rows) {
    m2 += r.area_m2;
    features += r.features;
    if (r.district && districts.has(r.district)) districts.set(r.district, { m2: r.area_m2, features: r.features });
  }
  const outside = rows.filter((r) => !r.district || !districts.has(r.district)).reduce((s, r) => s + r.area_m2, 0);
  return {
    city: { m2, features },
    districts,
    provenance: {
      layers: [versionOf(layer), ...(within ? [versionOf(within)] : []), ...(xzq ? [versionOf(xzq)] : [])],
      filter: p.field ? { field: p.field, codes: p.codes ?? [], prefixes: p.prefixes ?? [] } : null,
      within: p.within ?? null,
      areaM2: m2,
      areaMu: m2ToMu(m2),
      features,
      ...(grid !== null ? { precisionGrid: grid } : {}),
      ...(outside > 0 ? { outsideDistrictsM2: outside } : {}),
    },
  };
}

/**
 * areaByDistrict, run again on a precision grid when GEOS lost the floating-point result
 * (LostOverlay, src/db/geos.repository.ts). 1e-9° ≈ 0.1 mm: far below survey precision, so the areas agree.
 */
export async function areaRows(
  q: Queryable,
  ...a: Parameters<typeof layers.areaByDistrict> extends [Queryable, ...infer R] ? R : never
): Promise<{ rows: layers.DistrictArea[]; grid: number | null }> {
  try {
    return { rows: await layers.areaByDistrict(q, ...a), grid: null };
  } catch (e) {
    if (!(e instanceof LostOverlay)) throw e;
    const [layer, f, within, xzq, codes] = a;
    return { rows: await layers.areaByDistrict(q, layer, f, within, xzq, codes, 1e-9), grid: 1e-9 };
  }
}

/** A set where every region has the same missing value and note. */
export function missing(ctx: KindContext, note: string, provenance: Record<string, unknown> = {}): ComputedSet {
  const one = (): Computed => ({ value: null, note, provenance });
  return { city: one(), districts: new Map(ctx.districts.map((d) => [d.code, one()])) };
}
