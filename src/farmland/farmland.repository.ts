// SQL of the farmland accounts and of 多田套合 (domain.md §7): areas by district, the change
// between two survey versions, the three-layer overlay, and targets / settings / runs.
// Layer ids and versions are integers from the catalogue, written into the statements as literals
// so the planner prunes the feature partitions at plan time and drives each partition's GiST index
// (as review.repository.ts does; with parameters it chose generic plans that scan).
import type { Queryable } from '../db/index.ts';

export interface LayerRef {
  id: number;
  version: number;
}

const alive = (t: string, l: LayerRef) => `${t}.layer_id = ${Number(l.id)} AND ${t}.v_from <= ${Number(l.version)} AND (${t}.v_to IS NULL OR ${t}.v_to > ${Number(l.version)})`;

/** 三调 cultivated land (耕地): 0101 水田, 0102 水浇地, 0103 旱地 (GB/T 21010-2017 / 三调工作分类). */
export const CULTIVATED_CODES = ['0101', '0102', '0103'];
const CULT = `('0101', '0102', '0103')`;

/**
 * The district of a geometry: the 坐落单位代码 prefix when the feature has one that names a known
 * district (三调 ZLDWDM starts with the GB/T 2260 county code), otherwise the district polygon
 * containing a point on its surface. `codes` = the known district codes ($ parameter).
 */
const district = (f: string, xzq: LayerRef | null, codesParam: string) =>
  `CASE WHEN left(${f}.props->>'ZLDWDM', 6) = ANY(${codesParam}::text[]) THEN left(${f}.props->>'ZLDWDM', 6) ELSE ${spatialDistrict(`ST_PointOnSurface(${f}.geom)`, xzq)} END`;

const spatialDistrict = (pt: string, xzq: LayerRef | null) => xzq
  ? `(SELECT d.props->>'XZQDM' FROM feature d WHERE ${alive('d', xzq)} AND d.geom && ${pt} AND ST_Intersects(d.geom, ${pt}) LIMIT 1)`
  : 'NULL::text';

export async function districtNames(q: Queryable, xzq: LayerRef | null): Promise<Map<string, string>> {
  if (!xzq) return new Map();
  const r = await q.query<{ code: string; name: string }>(`SELECT f.props->>'XZQDM' AS code, coalesce(f.props->>'XZQMC', f.props->>'XZQDM') AS name FROM feature f WHERE ${alive('f', xzq)} ORDER BY 1`);
  return new Map(r.rows.filter((x) => x.code).map((x) => [x.code, x.name]));
}

export interface AreaRow {
  district: string | null;
  count: number;
  area_m2: number;
}

/** Feature count and ellipsoidal area by district of one layer version (optionally cultivated 图斑 only). */
export async function areasByDistrict(q: Queryable, layer: LayerRef, xzq: LayerRef | null, codes: string[], cultivatedOnly: boolean): Promise<AreaRow[]> {
  return (await q.query<AreaRow>(
    `SELECT ${district('f', xzq, '$1')} AS district, count(*)::int AS count, sum(coalesce(f.area_m2, ST_Area(f.geom::geography))) AS area_m2
       FROM feature f
      WHERE ${alive('f', layer)} ${cultivatedOnly ? `AND f.props->>'DLBM' IN ${CULT}` : ''}
      GROUP BY 1 ORDER BY 1`, [codes])).rows;
}

export interface ChangeRow {
  direction: 'lost' | 'gained';
  old_fid: string;
  new_fid: string;
  old_class: string | null;
  new_class: string | null;
  new_name: string | null;
  district: string | null;
  area_m2: number;
}

/**
 * Cultivated land lost and gained from version a to version b of the land-use layer: patches that
 * exist only in a are intersected with patches that exist only in b (unchanged patches cannot
 * overlap either side), and each piece keeps both land-use codes.
 */
export async function cultivatedChange(q: Queryable, layerId: number, a: number, b: number, xzq: LayerRef | null, codes: string[], minM2: number): Promise<ChangeRow[]> {
  const A = { id: layerId, version: a };
  const B = { id: layerId, version: b };
  const notAlive = (t: string, l: LayerRef) => `NOT (${t}.v_from <= ${Number(l.version)} AND (${t}.v_to IS NULL OR ${t}.v_to > ${Number(l.version)}))`;
  return (await q.query<ChangeRow>(
    `WITH o AS MATERIALIZED (SELECT f.fid, f.props, f.geom FROM feature f WHERE ${alive('f', A)} AND ${notAlive('f', B)}),
          x AS (SELECT CASE WHEN o.props->>'DLBM' IN ${CULT} THEN 'lost' ELSE 'gained' END AS direction,
                       o.fid AS old_fid, n.fid AS new_fid, o.props->>'DLBM' AS old_class, n.props->>'DLBM' AS new_class, n.props->>'DLMC' AS new_name,
                       n.props, n.geom AS ngeom, ST_CollectionExtract(ST_Intersection(o.geom, n.geom), 3) AS g
                  FROM o JOIN feature n ON n.geom && o.geom AND ${alive('n', B)} AND ${notAlive('n', A)}
                 WHERE ((o.props->>'DLBM' IN ${CULT}) <> (coalesce(n.props->>'DLBM', '') IN ${CULT})) AND ST_Intersects(o.geom, n.geom)),
          m AS (SELECT x.*, ST_Area(g::geography) AS area_m2 FROM x WHERE NOT ST_IsEmpty(g))
     SELECT direction, old_fid, new_fid, old_class, new_class, new_name,
            CASE WHEN left(m.props->>'ZLDWDM', 6) = ANY($1::text[]) THEN left(m.props->>'ZLDWDM', 6) ELSE ${spatialDistrict('ST_PointOnSurface(m.g)', xzq)} END AS district,
            area_m2
       FROM m WHERE area_m2 >= $2 ORDER BY direction, area_m2 DESC, old_fid, new_fid`, [codes, minM2])).rows;
}

export interface TaoheAreaRow {
  district: string | null;
  pieces: number;
  yjjbnt_m2: number;
  coincide_m2: number;
  gbznt_m2: number;
  lsscgnq_m2: number;
}

/**
 * 多田套合 by district, one statement. Per permanent-farmland piece (feature_piece: small patches
 * whole, big ones as ≤256-vertex pieces), the candidate pieces of the other two layers come from
 * their GiST indexes; when one candidate covers the patch (the common case: a patch inside a
 * high-standard project) no geometry is built at all, otherwise only the local pieces are clipped
 * and unioned. Areas are ellipsoidal and summed per patch, which equals the area of the union
 * because permanent-farmland patches do not overlap one another (保护图斑 are a partition).
 * CASE evaluates its sub-queries lazily: the clipping runs only for patches not covered.
 */
export async function taoheAreas(q: Queryable, y: LayerRef, g: LayerRef, l: LayerRef, xzq: LayerRef | null): Promise<TaoheAreaRow[]> {
  const clip = (t: string, ref: LayerRef) => `(SELECT ST_Union(ST_Intersection(p.geom, ${t}.geom)) FROM feature_piece ${t} WHERE ${alive(t, ref)} AND ${t}.geom && p.geom)`;
  const cover = (t: string, ref: LayerRef) => `(SELECT coalesce(bool_or(ST_Covers(${t}.geom, p.geom)), false) AS c, count(*) AS n FROM feature_piece ${t} WHERE ${alive(t, ref)} AND ${t}.geom && p.geom)`;
  return (await q.query<TaoheAreaRow>(
    `WITH y AS (
       SELECT p.geom, ST_Area(p.geom::geography) AS a, gq.c AS gc, gq.n AS gn, lq.c AS lc, lq.n AS ln,
              ${spatialDistrict('ST_PointOnSurface(p.geom)', xzq)} AS district,
              CASE WHEN gq.n = 0 THEN NULL WHEN gq.c THEN p.geom ELSE ${clip('g', g)} END AS gy,
              CASE WHEN lq.n = 0 THEN NULL WHEN lq.c THEN p.geom ELSE ${clip('l', l)} END AS ly
         FROM feature_piece p CROSS JOIN LATERAL ${cover('g', g)} gq CROSS JOIN LATERAL ${cover('l', l)} lq
        WHERE ${alive('p', y)}),
     z AS (
       SELECT district, a,
              CASE WHEN gy IS NULL THEN 0 WHEN gc THEN a ELSE coalesce(ST_Area(gy::geography), 0) END AS ga,
              CASE WHEN ly IS NULL THEN 0 WHEN lc THEN a ELSE coalesce(ST_Area(ly::geography), 0) END AS la,
              CASE WHEN gy IS NULL OR ly IS NULL THEN 0 WHEN gc AND lc THEN a
                   ELSE coalesce(ST_Area(ST_Intersection(gy, ly)::geography), 0) END AS c
         FROM y)
     SELECT district, count(*)::int AS pieces, sum(a) AS yjjbnt_m2, sum(c) AS coincide_m2, sum(ga) AS gbznt_m2, sum(la) AS lsscgnq_m2
       FROM z GROUP BY district ORDER BY district`)).rows;
}

/**
 * The baseline the benchmark compares with: the naive overlay, one statement over the three whole
 * layers unioned (ST_Union of every feature, then two intersections of the city-wide results).
 */
export async function taoheNaive(q: Queryable, y: LayerRef, g: LayerRef, l: LayerRef): Promise<{ yjjbnt_m2: number; coincide_m2: number }> {
  const u = (ref: LayerRef) => `(SELECT ST_Union(f.geom) AS g FROM feature f WHERE ${alive('f', ref)})`;
  return (await q.query<{ yjjbnt_m2: number; coincide_m2: number }>(
    `SELECT ST_Area(y.g::geography) AS yjjbnt_m2, coalesce(ST_Area(ST_Intersection(ST_Intersection(y.g, gb.g), ls.g)::geography), 0) AS coincide_m2
       FROM ${u(y)} y, ${u(g)} gb, ${u(l)} ls`)).rows[0];
}

export interface MissingRow {
  kind: 'GBZNT' | 'LSSCGNQ' | 'YJJBNT';
  fid: string;
  wkb: Uint8Array;
  area_m2: number;
  district: string | null;
}

/**
 * The patches missing from each layer: permanent farmland without high-standard works (where to
 * build 高标准农田 next), permanent farmland outside a grain zone, and high-standard grain land
 * that is not permanent farmland (candidates for 永农储备/补划). Same local-candidate pattern as
 * taoheAreas; pieces below minM2 (digitising slivers) are left out.
 */
export async function taoheMissing(q: Queryable, y: LayerRef, g: LayerRef, l: LayerRef, xzq: LayerRef | null, minM2: number): Promise<MissingRow[]> {
  const minus = (t: string, ref: LayerRef, base: string) =>
    `coalesce(ST_Difference(${base}, (SELECT ST_Union(ST_Intersection(${base}, ${t}.geom)) FROM feature_piece ${t} WHERE ${alive(t, ref)} AND ${t}.geom && ${base} AND ST_Intersects(${t}.geom, ${base}))), ${base})`;
  return (await q.query<MissingRow>(
    `WITH yp AS (
       SELECT p.feature_id, ST_CollectionExtract(${minus('g', g, 'p.geom')}, 3) AS mg, ST_CollectionExtract(${minus('l', l, 'p.geom')}, 3) AS ml
         FROM feature_piece p WHERE ${alive('p', y)}),
     gp AS (
       SELECT gg.feature_id, (SELECT ST_Union(ST_Intersection(gg.geom, ll.geom)) FROM feature_piece ll WHERE ${alive('ll', l)} AND ll.geom && gg.geom AND ST_Intersects(ll.geom, gg.geom)) AS gl
         FROM feature_piece gg WHERE ${alive('gg', g)}),
     gm AS (SELECT feature_id, ST_CollectionExtract(${minus('yy', y, 'gp.gl')}, 3) AS m FROM gp WHERE gl IS NOT NULL AND NOT ST_IsEmpty(gl)),
     parts AS (
       SELECT 'GBZNT' AS kind, ${Number(y.id)} AS layer_id, feature_id, mg AS m FROM yp WHERE NOT ST_IsEmpty(mg)
       UNION ALL SELECT 'LSSCGNQ', ${Number(y.id)}, feature_id, ml FROM yp WHERE NOT ST_IsEmpty(ml)
       UNION ALL SELECT 'YJJBNT', ${Number(g.id)}, feature_id, m FROM gm WHERE NOT ST_IsEmpty(m)),
     byf AS (SELECT kind, layer_id, feature_id, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(m)), 3)) AS m FROM parts GROUP BY kind, layer_id, feature_id),
     measured AS (SELECT byf.*, ST_Area(m::geography) AS area_m2 FROM byf)
     SELECT m.kind, f.fid, ST_AsBinary(m.m) AS wkb, m.area_m2, ${spatialDistrict('ST_PointOnSurface(m.m)', xzq)} AS district
       FROM measured m JOIN feature f ON f.layer_id = m.layer_id AND f.id = m.feature_id
      WHERE m.area_m2 >= $1 ORDER BY m.kind, f.fid`, [minM2])).rows;
}

export async function insertTaoheRun(q: Queryable, r: { versions: unknown; yjjbntM2: number; coincideM2: number; rate: number | null; byDistrict: unknown; missing: unknown; resultLayer: string | null; resultVersion: number | null; durationMs: number; user: string }): Promise<{ id: number; created_at: string }> {
  return (await q.query<{ id: number; created_at: string }>(
    `INSERT INTO farmland_taohe_run (versions, yjjbnt_m2, coincide_m2, rate, by_district, missing, result_layer, result_version, duration_ms, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`,
    [JSON.stringify(r.versions), r.yjjbntM2, r.coincideM2, r.rate, JSON.stringify(r.byDistrict), JSON.stringify(r.missing), r.resultLayer, r.resultVersion, r.durationMs, r.user])).rows[0];
}

export interface TaoheRunRow {
  id: number;
  versions: Record<string, number>;
  yjjbnt_m2: number;
  coincide_m2: number;
  rate: number | null;
  by_district: unknown[];
  missing: unknown;
  result_layer: string | null;
  result_version: number | null;
  duration_ms: number;
  created_by: string;
  created_at: string;
}

const RUN_COLS = `id, versions, yjjbnt_m2, coincide_m2, rate, by_district, missing, result_layer, result_version, duration_ms, created_by,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

export async function taoheRun(q: Queryable, id: number): Promise<TaoheRunRow | null> {
  return (await q.query<TaoheRunRow>(`SELECT ${RUN_COLS} FROM farmland_taohe_run WHERE id = $1`, [id])).rows[0] ?? null;
}

export async function taoheRuns(q: Queryable, limit = 50): Promise<TaoheRunRow[]> {
  return (await q.query<TaoheRunRow>(`SELECT ${RUN_COLS} FROM farmland_taohe_run ORDER BY id DESC LIMIT $1`, [limit])).rows;
}

/** The stored missing patches of a run as a GeoJSON FeatureCollection text (PostgreSQL writes it). */
export async function missingGeoJson(q: Queryable, layerCode: string, version: number, kind: string | null, districts: string[] | null): Promise<string> {
  const r = await q.query<{ fc: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', f.fid, 'properties', f.props, 'geometry', ST_AsGeoJSON(f.geom, 7)::json) ORDER BY f.fid), '[]'::json))::text AS fc
       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = $1
      WHERE f.v_from <= $2 AND (f.v_to IS NULL OR f.v_to > $2)
        AND ($3::text IS NULL OR f.props->>'QSTC' = $3) AND ($4::text[] IS NULL OR f.props->>'XZQDM' = ANY($4::text[]))`,
    [layerCode, version, kind, districts]);
  return r.rows[0].fc;
}

export interface TargetRow {
  code: string;
  region: string;
  year: number;
  kind: 'target' | 'baseline';
  name_zh: string;
  value: number;
  unit: string;
  bound: 'min' | 'max';
  source: string;
}

export async function targets(q: Queryable): Promise<TargetRow[]> {
  return (await q.query<TargetRow>(`SELECT code, region, year, kind, name_zh, value, unit, bound, source FROM farmland_target ORDER BY region, code, year`)).rows;
}

export async function upsertTarget(q: Queryable, t: TargetRow): Promise<TargetRow | null> {
  const before = (await q.query<TargetRow>(`SELECT code, region, year, kind, name_zh, value, unit, bound, source FROM farmland_target WHERE code = $1 AND region = $2 AND year = $3`, [t.code, t.region, t.year])).rows[0] ?? null;
  await q.query(
    `INSERT INTO farmland_target (code, region, year, kind, name_zh, value, unit, bound, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (code, region, year) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, value = EXCLUDED.value, unit = EXCLUDED.unit, bound = EXCLUDED.bound, source = EXCLUDED.source`,
    [t.code, t.region, t.year, t.kind, t.name_zh, t.value, t.unit, t.bound, t.source]);
  return before;
}

export async function settingRows(q: Queryable): Promise<{ key: string; value: unknown }[]> {
  return (await q.query<{ key: string; value: unknown }>(`SELECT key, value FROM farmland_setting ORDER BY key`)).rows;
}

export async function putSetting(q: Queryable, key: string, value: unknown, user: string): Promise<void> {
  await q.query(`INSERT INTO farmland_setting (key, value, updated_by) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`, [key, JSON.stringify(value), user]);
}
