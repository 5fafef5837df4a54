// 专题图: classes of one attribute of a layer for a thematic map — categories (分类: each value,
// e.g. 用地用海分类 or 地类) or class breaks of a number (分级: equal intervals or quantiles, e.g.
// 容积率上限), each class with its feature count and ellipsoidal area (m² and 亩) inside the caller's
// read scope. The map colours with MapLibre `match` (categories) or `step` (breaks) on the same
// values, and class i of the breaks holds breaks[i-1] ≤ v < breaks[i] — width_bucket's rule — so
// the legend counts exactly what the map colours.
import type { Queryable } from '../db/index.ts';
import type { User } from '../auth/types.ts';
import { m2ToMu } from '../area/units.ts';
import { Invalid } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import * as repo from './mapview.repository.ts';
import { layerVersion } from './mapview.service.ts';

export type ThematicMethod = 'categories' | 'equal' | 'quantile';
export const METHODS: readonly ThematicMethod[] = ['categories', 'equal', 'quantile'];

export interface ThematicClass {
  /** Categories: the value (null: features without it). */
  value?: string | null;
  /** Breaks: the class holds from ≤ v < to (the last class includes its upper end). */
  from?: number;
  to?: number;
  count: number;
  areaM2: number | null;
  areaMu: number | null;
}

export interface ThematicAnswer {
  layer: string;
  version: number;
  field: string;
  label: string;
  method: ThematicMethod;
  /** Features in scope; `numeric` of them carry a number in the field. */
  features: number;
  numeric: number;
  classes: ThematicClass[];
  /** Breaks: lower bounds of classes 2…n (the `step` stops). */
  breaks: number[] | null;
  /** Categories beyond the listed ones: how many values and features were left out. */
  other: { values: number; count: number; areaM2: number | null } | null;
}

export interface FieldInfo {
  name: string;
  label: string;
  type: 'text' | 'number' | 'boolean';
  /** Features of the sample carrying the field. */
  count: number;
}

const MAX_CATEGORIES = 40;
const SAMPLE = 2000;

const areaMu = (m2: number | null) => (m2 == null ? null : m2ToMu(m2));

/** Attributes of a layer's active version (from a sample of its features), with labels from its schema. */
export async function layerFields(
  db: Queryable,
  user: User,
  code: string,
  d: DistrictLayer,
): Promise<{ layer: string; version: number; fields: FieldInfo[] }> {
  const { scope, version } = await layerVersion(db, user, code);
  const rows = await repo.sampleFields(db, scope, version, SAMPLE, d);
  const byName = new Map<string, { type: FieldInfo['type']; count: number }>();
  for (const r of rows) {
    const type = r.json_type === 'number' ? 'number' : r.json_type === 'boolean' ? 'boolean' : 'text';
    const e = byName.get(r.name);
    // The commonest JSON type of a key decides (rows come most frequent first per key).
    if (!e) byName.set(r.name, { type, count: r.count });
    else e.count += r.count;
  }
  const schema = scope.layer.attr_schema ?? [];
  const order = [...schema.map((a) => a.name), ...[...byName.keys()].filter((k) => !schema.some((a) => a.name === k)).sort()];
  const fields = order
    .filter((n) => byName.has(n))
    .map((n) => ({
      name: n,
      label: schema.find((a) => a.name === n)?.label ?? n,
      type: byName.get(n)!.type,
      count: byName.get(n)!.count,
    }));
  return { layer: scope.layer.code, version, fields };
}

export async function thematicClasses(
  db: Queryable,
  user: User,
  code: string,
  o: { field: string; method: ThematicMethod; classes?: number; version?: number },
  d: DistrictLayer,
): Promise<ThematicAnswer> {
  const { scope, version } = await layerVersion(db, user, code, o.version);
  const layer = scope.layer.code;
  const label = scope.layer.attr_schema?.find((a) => a.name === o.field)?.label ?? o.field;
  const k = o.classes ?? 5;
  if (!Number.isInteger(k) || k < 2 || k > 12) throw new Invalid(`classes must be an integer from 2 to 12, got ${o.classes}`);
  const fractions = o.method === 'quantile' ? Array.from({ length: k - 1 }, (_, i) => (i + 1) / k) : null;
  const stats = await repo.numericStats(db, scope, version, o.field, fractions, d);
  const base = { layer, version, field: o.field, label, method: o.method, features: stats.features, numeric: stats.numeric };

  if (o.method === 'categories') {
    const { rows, distinct, count, areaM2 } = await repo.categories(db, scope, version, o.field, MAX_CATEGORIES, d);
    if (rows.length === 0 || (rows.length === 1 && rows[0].value === null && stats.features > 0)) {
      throw new Invalid(`no feature of ${layer} version ${version} has the attribute "${o.field}"`, { code: 'unknown_field' });
    }
    const listed = rows.reduce((s, r) => s + r.count, 0);
    const listedArea = rows.reduce((s, r) => s + (r.area_m2 ?? 0), 0);
    return {
      ...base,
      breaks: null,
      classes: rows.map((r) => ({ value: r.value, count: r.count, areaM2: r.area_m2, areaMu: areaMu(r.area_m2) })),
      other:
        distinct > rows.length
          ? { values: distinct - rows.length, count: count - listed, areaM2: areaM2 == null ? null : areaM2 - listedArea }
          : null,
    };
  }

  if (stats.numeric === 0) {
    throw new Invalid(`attribute "${o.field}" of ${layer} holds no numbers: use method=categories`, { code: 'not_numeric' });
  }
  const min = stats.min!;
  const max = stats.max!;
  const raw = o.method === 'equal' ? Array.from({ length: k - 1 }, (_, i) => min + ((i + 1) * (max - min)) / k) : (stats.quantiles ?? []);
  // Equal values collapse breaks (a field where most features hold 0): keep each break once, strictly inside (min, max].
  const breaks = [...new Set(raw)].filter((b) => b > min && b <= max).sort((a, b) => a - b);
  const counts = new Map((await repo.buckets(db, scope, version, o.field, breaks, d)).map((b) => [b.bucket, b]));
  const classes: ThematicClass[] = [];
  for (let i = 0; i <= breaks.length; i++) {
    const b = counts.get(i);
    classes.push({
      from: i === 0 ? min : breaks[i - 1],
      to: i === breaks.length ? max : breaks[i],
      count: b?.count ?? 0,
      areaM2: b?.area_m2 ?? null,
      areaMu: areaMu(b?.area_m2 ?? null),
    });
  }
  return { ...base, breaks, classes, other: null };
}
