// All SQL of the OGC API – Features endpoint. Every value from a request is a bound parameter;
// the only text composed into statements are fixed fragments chosen by code (the output CRS
// expression from crs.ts, comparison operators from a closed list, $n placeholders).
// Features of version v are the rows alive at v: v_from <= v AND (v_to IS NULL OR v_to > v).
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { districtCondition, type LayerScope } from '../auth/layers.ts';
import { aliveAt } from '../store/store.repository.ts';
import { geoJsonExpr, type OgcCrs } from './crs.ts';
import type { BboxFilter } from './params.ts';
import type { CqlNode } from './cql2.ts';

/** Collects bound parameters and hands out their $n placeholders. */
class Binder {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    return `$${this.push(v)}`;
  }
  push(v: unknown): number {
    this.values.push(v);
    return this.values.length;
  }
}

export interface FeatureSelection {
  scope: LayerScope;
  version: number;
  bbox: BboxFilter | null;
  properties: { name: string; value: string }[];
  filter: CqlNode | null;
  /** The district layer (config.districts) limiting a district officer's scope. */
  districts: DistrictLayer;
}

/** A geometry given in `srid` (x/y order) as EPSG:4490, densified first so straight edges in a projected CRS stay edges on the ground. */
function toStorage(geomSql: string, srid: number, b: Binder, densifyStep: number): string {
  if (srid === 4490) return geomSql;
  return `ST_Transform(ST_Segmentize(${geomSql}, ${b.add(densifyStep)}::float8), 4490)`;
}

function bboxSql(bbox: BboxFilter, b: Binder): string {
  const [x1, y1, x2, y2] = bbox.xy;
  const env = `ST_MakeEnvelope(${b.add(x1)}::float8, ${b.add(y1)}::float8, ${b.add(x2)}::float8, ${b.add(y2)}::float8, ${b.add(bbox.crs.srid)}::int)`;
  // 64 segments per side bound the error of a transformed metre box far below its size.
  return `ST_Intersects(f.geom, ${toStorage(env, bbox.crs.srid, b, Math.max(x2 - x1, y2 - y1, 1) / 64)})`;
}

// A JSON number or a numeric string, as SQL numeric; anything else (text, null) as NULL, so a
// numeric comparison never fails on a value that is not a number.
const NUMERIC = (key: string) =>
  `(CASE WHEN (f.props->>${key}) ~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,3})?$' THEN (f.props->>${key})::numeric END)`;

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function cqlSql(n: CqlNode, b: Binder): string {
  switch (n.op) {
    case 'and':
    case 'or':
      return `(${n.args.map((a) => cqlSql(a, b)).join(n.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${cqlSql(n.arg, b)})`;
    case 'isNull': {
      const k = `${b.add(n.property)}::text`;
      return `(${n.negated ? 'NOT ' : ''}coalesce(f.props->${k}, 'null'::jsonb) = 'null'::jsonb)`;
    }
    case 'compare': {
      if (!COMPARISONS.has(n.cmp)) throw new Error(`comparison ${n.cmp} not allowed`);
      const k = `${b.add(n.property)}::text`;
      if (typeof n.value === 'number') return `(${NUMERIC(k)} ${n.cmp} ${b.add(n.value)}::numeric)`;
      return `(f.props->>${k} ${n.cmp} ${b.add(String(n.value))}::text)`;
    }
    case 'intersects': {
      const g = `ST_GeomFromText(${b.add(n.wkt)}::text, ${b.add(n.srid)}::int)`;
      return `ST_Intersects(f.geom, ${toStorage(g, n.srid, b, 500)})`;
    }
  }
}

/** WHERE clause (over alias f) for a selection; fills the binder. */
function where(s: FeatureSelection, b: Binder): string {
  const conds = [`f.layer_id = ${b.add(s.scope.layer.id)}::int`, aliveAt('f', `${b.add(s.version)}::int`)];
  if (s.bbox) conds.push(bboxSql(s.bbox, b));
  for (const p of s.properties) conds.push(`f.props->>${b.add(p.name)}::text = ${b.add(p.value)}::text`);
  if (s.filter) conds.push(cqlSql(s.filter, b));
  // District officers read restricted layers only inside their districts (src/auth/layers.ts).
  if (s.scope.districts) conds.push(districtCondition(s.scope, 'f.geom', b.push(s.scope.districts), s.districts));
  return conds.join('\n   AND ');
}

const featureJson = (crs: OgcCrs) =>
  `'{"type":"Feature","id":' || to_json(f.fid)::text || ',"geometry":' || ${geoJsonExpr(crs, 'f.geom')} || ',"properties":' || f.props::text || '}'`;

export const isUnfiltered = (s: FeatureSelection) => !s.bbox && !s.properties.length && !s.filter && !s.scope.districts;

export async function countFeatures(db: Queryable, s: FeatureSelection): Promise<number> {
  if (isUnfiltered(s)) {
    // The version's own count (written by the import) saves a scan of the whole version.
    const r = await db.query<{ n: number }>(`SELECT feature_count AS n FROM layer_version WHERE layer_id = $1 AND version = $2`, [
      s.scope.layer.id,
      s.version,
    ]);
    return r.rows[0]?.n ?? 0;
  }
  const b = new Binder();
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feature f WHERE ${where(s, b)}`, b.values);
  return r.rows[0].n;
}

/**
 * One page of features as the comma-separated GeoJSON Feature texts (PostgreSQL writes the JSON:
 * no parse/serialise round trip in Node for 10,000-feature pages). Ordered by feature id, then
 * row id, so offset paging is stable.
 */
export async function pageFeatures(
  db: Queryable,
  s: FeatureSelection,
  crs: OgcCrs,
  limit: number,
  offset: number,
): Promise<{ json: string; count: number }> {
  const b = new Binder();
  const w = where(s, b);
  const r = await db.query<{ json: string | null; n: number }>(
    `SELECT string_agg(${featureJson(crs)}, ',' ORDER BY f.fid, f.id) AS json, count(*)::int AS n
       FROM (SELECT f.id, f.fid, f.props, f.geom FROM feature f WHERE ${w}
              ORDER BY f.fid, f.id LIMIT ${b.add(limit)}::int OFFSET ${b.add(offset)}::bigint) f`,
    b.values,
  );
  return { json: r.rows[0].json ?? '', count: r.rows[0].n };
}

/** One feature of a version by its feature id, as GeoJSON text, or null. */
export async function featureById(
  db: Queryable,
  scope: LayerScope,
  districts: DistrictLayer,
  version: number,
  fid: string,
  crs: OgcCrs,
): Promise<string | null> {
  const b = new Binder();
  const w = where({ scope, version, bbox: null, properties: [], filter: null, districts }, b);
  const r = await db.query<{ json: string }>(
    `SELECT ${featureJson(crs)} AS json FROM feature f WHERE ${w} AND f.fid = ${b.add(fid)}::text LIMIT 1`,
    b.values,
  );
  return r.rows[0]?.json ?? null;
}

/** Checks a spatial literal in PostGIS: the reason it is refused, or null when usable. */
export async function wktProblem(db: Queryable, wkt: string, srid: number): Promise<string | null> {
  try {
    const r = await db.query<{ reason: string | null }>(
      `SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason FROM (SELECT ST_GeomFromText($1::text, $2::int) AS g) s`,
      [wkt, srid],
    );
    return r.rows[0].reason;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface Extent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** When each layer's history begins: the earliest valid_from of its versions. */
export async function firstValidFrom(db: Queryable): Promise<Map<number, Date>> {
  const r = await db.query<{ layer_id: number; first: Date | string }>(
    `SELECT layer_id, min(valid_from) AS first FROM layer_version GROUP BY layer_id`,
  );
  return new Map(r.rows.map((x) => [x.layer_id, new Date(x.first)]));
}

/** Attribute names present in a version, for layers that declare no attr_schema. */
export async function propertyKeys(db: Queryable, layerId: number, version: number): Promise<string[]> {
  const r = await db.query<{ k: string }>(
    `SELECT DISTINCT k FROM feature f CROSS JOIN LATERAL jsonb_object_keys(f.props) AS k
      WHERE f.layer_id = $1 AND ${aliveAt('f', '$2::int')} ORDER BY k`,
    [layerId, version],
  );
  return r.rows.map((x) => x.k);
}
