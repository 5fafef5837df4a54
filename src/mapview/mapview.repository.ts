// All SQL of the One Map viewer (一张图): what lies under a clicked point across layers, lengths
// and areas of a drawn geometry, attribute classes for thematic maps, the features that changed
// between two versions (with geometry, for the compare view), label points, version counts.
//
// Read scopes come from auth/layers.ts: every feature query takes the caller's district codes and
// applies districtCondition() when the layer is limited to them.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { districtCondition, type LayerScope } from '../auth/layers.ts';
import { aliveAt } from '../store/store.repository.ts';
import type { DiffRow } from '../store/history.repository.ts';

/** The EXISTS(…) limiting `geomExpr` to the districts in `$param` of district layer `d` (same text as auth/layers.ts). */
const inDistricts = (d: DistrictLayer, geomExpr: string, param: number) =>
  districtCondition({ layer: undefined as never, districts: [] }, geomExpr, param, d);

/** Extra WHERE condition and parameters for one layer's scope (params start at `next`); `d` is config.districts. */
function scopeFilter(scope: LayerScope, d: DistrictLayer, geomExpr: string, next: number): { sql: string; params: unknown[] } {
  return scope.districts ? { sql: `AND ${inDistricts(d, geomExpr, next)}`, params: [scope.districts] } : { sql: '', params: [] };
}

// ---------------------------------------------------------------- identify

export interface IdentifyTarget {
  layerId: number;
  version: number;
  /** Limited to the caller's districts (auth/layers.ts). */
  scoped: boolean;
}

export interface IdentifyRow {
  layer_id: number;
  fid: string;
  props: Record<string, unknown>;
  area_m2: number | null;
  planar_m2: number | null;
  length_m: number | null;
  distance_m: number;
  bbox: [number, number, number, number];
}

/**
 * Features of the given layer versions at a point (lon/lat, EPSG:4490), in one statement.
 * Polygons: those containing the point (boundary included) — exactly what is under the cursor.
 * Lines and points cannot be hit exactly with a mouse: those within `toleranceM` metres, measured
 * planar in the point's 3° Gauss-Krüger zone (as portal.repository.ts does; within a zone the
 * scale error at a few hundred metres is below a millimetre). The bounding-box prefilter uses
 * toleranceM / 90000 degrees: in Hangzhou (≤ 31°N) 1° is ≥ 95 km of longitude and ≥ 110 km of
 * latitude, so the box covers the tolerance both ways. At most `perLayer` features per layer,
 * smallest first (the parcel before the unit that contains it).
 */
export async function featuresAtPoint(
  q: Queryable,
  targets: IdentifyTarget[],
  lon: number,
  lat: number,
  toleranceM: number,
  districts: string[] | null,
  perLayer: number,
  d: DistrictLayer,
): Promise<IdentifyRow[]> {
  if (!targets.length) return [];
  const r = await q.query<IdentifyRow>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4490) AS pt),
          k AS (SELECT pt, ST_Expand(pt, $6::float8 / 90000.0) AS box, onemap_planar_srid(pt) AS srid FROM p),
          s AS (SELECT * FROM unnest($3::int[], $4::int[], $5::bool[]) AS s(layer_id, version, scoped))
     SELECT layer_id, fid, props, area_m2, planar_m2, length_m, distance_m, bbox FROM (
       SELECT f.layer_id, f.fid, f.props, f.area_m2, f.planar_m2, f.length_m,
              CASE WHEN ST_Dimension(f.geom) = 2 THEN 0
                   ELSE ST_Distance(ST_Transform(f.geom, k.srid), ST_Transform(k.pt, k.srid)) END AS distance_m,
              json_build_array(ST_XMin(f.geom), ST_YMin(f.geom), ST_XMax(f.geom), ST_YMax(f.geom)) AS bbox,
              row_number() OVER (PARTITION BY f.layer_id ORDER BY f.area_m2 NULLS LAST, f.length_m NULLS LAST, f.fid) AS rn
         FROM s JOIN feature f ON f.layer_id = s.layer_id AND ${aliveAt('f', 's.version')}
         CROSS JOIN k
        WHERE f.geom && k.box
          AND CASE WHEN ST_Dimension(f.geom) = 2 THEN ST_Intersects(f.geom, k.pt)
                   ELSE ST_DWithin(ST_Transform(f.geom, k.srid), ST_Transform(k.pt, k.srid), $6::float8) END
          AND (NOT s.scoped OR ${inDistricts(d, 'f.geom', 7)})
     ) x WHERE rn <= ${Math.max(1, Math.min(perLayer, 200))}
     ORDER BY layer_id, rn`,
    [lon, lat, targets.map((t) => t.layerId), targets.map((t) => t.version), targets.map((t) => t.scoped), toleranceM, districts ?? []],
  );
  return r.rows;
}

// ---------------------------------------------------------------- measure

export interface MeasureRow {
  /** Why the geometry cannot be measured, or null. */
  problem: string | null;
  type: string | null;
  dimension: number | null;
  npoints: number | null;
  srid: number | null;
  area_m2: number | null;
  planar_m2: number | null;
  length_m: number | null;
  planar_length_m: number | null;
  lon: number | null;
  lat: number | null;
  x: number | null;
  y: number | null;
}

/**
 * Lengths and areas of a GeoJSON geometry given in `srid`, transformed to EPSG:4490: ellipsoidal
 * (geography on the CGCS2000 ellipsoid, as the store computes area_m2 — domain.md §2 统计用椭球面积)
 * and planar in the geometry's 3° Gauss-Krüger zone (onemap_planar_srid, as planar_m2). For a
 * polygon the length is its perimeter. For a point, its Gauss-Krüger coordinates (x east, y north).
 */
export async function measure(q: Queryable, geojson: string, srid: number, maxPoints: number): Promise<MeasureRow> {
  // MATERIALIZED: each step once. Inlined, every CASE below re-parsed the GeoJSON and re-ran the
  // validity and range checks — about 20 times per request: 17 s for a 10,000-vertex polygon on the
  // embedded database, during which nothing else could use it (issue 22, defect 2).
  const r = await q.query<MeasureRow>(
    `WITH src AS MATERIALIZED (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), $2::int) AS g0),
          chk AS MATERIALIZED (SELECT g0,
                    CASE WHEN NOT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $2::int) THEN 'unknown srid ' || $2::text
                         WHEN ST_IsEmpty(g0) THEN 'the geometry is empty'
                         WHEN ST_NPoints(g0) > $3::int THEN 'the geometry has ' || ST_NPoints(g0) || ' vertices; at most ' || $3::text || ' are measured'
                         WHEN GeometryType(g0) NOT IN ('POINT', 'LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON') THEN 'cannot measure a ' || GeometryType(g0)
                         WHEN NOT ST_IsValid(g0) THEN 'invalid geometry: ' || ST_IsValidReason(g0) END AS problem
                    FROM src),
          g AS MATERIALIZED (SELECT problem, CASE WHEN problem IS NULL THEN ST_Transform(g0, 4490) END AS g FROM chk),
          out AS MATERIALIZED (SELECT problem, g,
                    CASE WHEN problem IS NULL THEN
                      CASE WHEN ST_X(ST_Centroid(g)) BETWEEN -180 AND 180 AND ST_Y(ST_Centroid(g)) BETWEEN -90 AND 90 THEN NULL
                           ELSE 'coordinates outside longitude/latitude range: is the srid right?' END END AS range_problem
                    FROM g)
     SELECT coalesce(problem, range_problem) AS problem, GeometryType(g) AS type, ST_Dimension(g) AS dimension, ST_NPoints(g) AS npoints,
            CASE WHEN coalesce(problem, range_problem) IS NULL THEN onemap_planar_srid(g) END AS srid,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 2 THEN onemap_area(g) END AS area_m2,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 2 THEN onemap_planar_area(g) END AS planar_m2,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 1 THEN ST_Length(g::geography)
                 WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 2 THEN ST_Perimeter(g::geography) END AS length_m,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 1 THEN ST_Length(ST_Transform(g, onemap_planar_srid(g)))
                 WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 2 THEN ST_Perimeter(ST_Transform(g, onemap_planar_srid(g))) END AS planar_length_m,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 0 THEN ST_X(g) END AS lon,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 0 THEN ST_Y(g) END AS lat,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 0 THEN ST_X(ST_Transform(g, onemap_planar_srid(g))) END AS x,
            CASE WHEN coalesce(problem, range_problem) IS NULL AND ST_Dimension(g) = 0 THEN ST_Y(ST_Transform(g, onemap_planar_srid(g))) END AS y
       FROM out`,
    [geojson, srid, maxPoints],
  );
  return r.rows[0];
}

// ---------------------------------------------------------------- thematic classes

export interface CategoryRow {
  value: string | null;
  count: number;
  area_m2: number | null;
}

/**
 * Distinct values of attribute `field` with feature count and ellipsoidal area, most frequent
 * first, at most `limit`; with the number of distinct values and the totals over all of them.
 */
export async function categories(
  q: Queryable,
  scope: LayerScope,
  version: number,
  field: string,
  limit: number,
  d: DistrictLayer,
): Promise<{ rows: CategoryRow[]; distinct: number; count: number; areaM2: number | null }> {
  const f = scopeFilter(scope, d, 'f.geom', 4);
  const r = await q.query<CategoryRow & { distinct: number; total_count: number; total_area: number | null }>(
    `SELECT value, count, area_m2, count(*) OVER ()::int AS distinct, (sum(count) OVER ())::int AS total_count, sum(area_m2) OVER () AS total_area FROM (
       SELECT f.props->>$3 AS value, count(*)::int AS count, sum(f.area_m2) AS area_m2
         FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} ${f.sql}
        GROUP BY 1) c
      ORDER BY count DESC, value NULLS LAST LIMIT ${Math.max(1, Math.min(limit, 500))}`,
    [scope.layer.id, version, field, ...f.params],
  );
  const first = r.rows[0];
  return {
    rows: r.rows.map(({ distinct: _d, total_count: _c, total_area: _a, ...c }) => c),
    distinct: first?.distinct ?? 0,
    count: first?.total_count ?? 0,
    areaM2: first?.total_area ?? null,
  };
}

export interface NumericStats {
  features: number;
  numeric: number;
  min: number | null;
  max: number | null;
  /** Quantiles at the requested fractions (percentile_cont), when asked for. */
  quantiles: number[] | null;
}

/** How many features carry a number in `field`, its range and (optionally) quantiles. */
export async function numericStats(
  q: Queryable,
  scope: LayerScope,
  version: number,
  field: string,
  fractions: number[] | null,
  d: DistrictLayer,
): Promise<NumericStats> {
  const f = scopeFilter(scope, d, 'f.geom', 5);
  const v = `CASE WHEN jsonb_typeof(f.props->$3) = 'number' THEN (f.props->>$3)::float8 END`;
  const r = await q.query<NumericStats>(
    `SELECT count(*)::int AS features, count(${v})::int AS numeric, min(${v}) AS min, max(${v}) AS max,
            CASE WHEN $4::float8[] IS NULL THEN NULL ELSE percentile_cont($4::float8[]) WITHIN GROUP (ORDER BY ${v}) END AS quantiles
       FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} ${f.sql}`,
    [scope.layer.id, version, field, fractions, ...f.params],
  );
  return r.rows[0];
}

export interface BucketRow {
  bucket: number;
  count: number;
  area_m2: number | null;
}

/**
 * Feature count and area per class for ascending `breaks` (lower bounds of classes 1…n; class 0
 * is everything below breaks[0]) — width_bucket, the same rule as MapLibre's `step` expression
 * the map draws with, so the legend counts what the map colours. Non-numbers are left out.
 */
export async function buckets(
  q: Queryable,
  scope: LayerScope,
  version: number,
  field: string,
  breaks: number[],
  d: DistrictLayer,
): Promise<BucketRow[]> {
  const f = scopeFilter(scope, d, 'f.geom', 5);
  const r = await q.query<BucketRow>(
    `SELECT width_bucket(v, $4::float8[]) AS bucket, count(*)::int AS count, sum(area_m2) AS area_m2 FROM (
       SELECT (f.props->>$3)::float8 AS v, f.area_m2 FROM feature f
        WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND jsonb_typeof(f.props->$3) = 'number' ${f.sql}) n
      GROUP BY 1 ORDER BY 1`,
    [scope.layer.id, version, field, breaks, ...f.params],
  );
  return r.rows;
}

export interface FieldRow {
  name: string;
  json_type: string;
  count: number;
}

/**
 * Attribute keys found in a sample of a layer version, with their JSON types and counts — of the
 * features inside the scope's districts when it is limited to them.
 */
export async function sampleFields(
  q: Queryable,
  scope: LayerScope,
  version: number,
  sample: number,
  d: DistrictLayer,
): Promise<FieldRow[]> {
  const f = scopeFilter(scope, d, 'f.geom', 3);
  return (
    await q.query<FieldRow>(
      `SELECT e.key AS name, jsonb_typeof(e.value) AS json_type, count(*)::int AS count
       FROM (SELECT f.props FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} ${f.sql} LIMIT ${Math.max(1, Math.min(sample, 10000))}) s,
            jsonb_each(s.props) e
      WHERE jsonb_typeof(e.value) IN ('string', 'number', 'boolean')
      GROUP BY 1, 2 ORDER BY 1, 3 DESC`,
      [scope.layer.id, version, ...f.params],
    )
  ).rows;
}

// ---------------------------------------------------------------- compare versions

/** A difference between two versions (as the layer history lists it), with its outline for the map. */
export interface ChangeRow extends DiffRow {
  geom: string;
  bbox: [number, number, number, number];
  total: number;
}

/**
 * Features that differ between versions `a` and `b` (matched by feature id, like
 * history.repository.ts diff), with the geometry to draw — version b's, or a's for a removed
 * feature — simplified to 1e-5° (≈ 1 m) and the bounding box to fly to. Limited to the scope's
 * districts for a district officer; `total` counts every difference before the limit.
 */
export async function changes(
  q: Queryable,
  scope: LayerScope,
  a: number,
  b: number,
  limit: number,
  d: DistrictLayer,
): Promise<ChangeRow[]> {
  const f = scopeFilter(scope, d, 'coalesce(vb.geom, va.geom)', 4);
  return (
    await q.query<ChangeRow>(
      `WITH va AS (SELECT f.id, f.fid, f.props, f.geom, f.area_m2 FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')}),
          vb AS (SELECT f.id, f.fid, f.props, f.geom, f.area_m2 FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$3')}),
          d AS (SELECT CASE WHEN va.id IS NULL THEN 'added' WHEN vb.id IS NULL THEN 'removed' ELSE 'changed' END AS status,
                       coalesce(va.fid, vb.fid) AS fid, va.area_m2 AS area_before, vb.area_m2 AS area_after,
                       (va.id IS NOT NULL AND vb.id IS NOT NULL AND NOT ST_Equals(va.geom, vb.geom)) AS geometry_changed,
                       va.props AS props_before, vb.props AS props_after, coalesce(vb.geom, va.geom) AS g
                  FROM va FULL JOIN vb ON va.fid = vb.fid
                 WHERE va.id IS DISTINCT FROM vb.id ${f.sql})
     SELECT status, fid, area_before, area_after, geometry_changed, props_before, props_after,
            ST_AsGeoJSON(ST_SimplifyPreserveTopology(g, 0.00001), 7, 0) AS geom,
            json_build_array(ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g)) AS bbox,
            count(*) OVER ()::int AS total
       FROM d ORDER BY status, fid LIMIT ${Math.max(1, Math.min(limit, 20000))}`,
      [scope.layer.id, a, b, ...f.params],
    )
  ).rows;
}

// ---------------------------------------------------------------- start-up

/**
 * One transformation each way between the map's Web Mercator and CGCS2000, and into a
 * Gauss-Krüger zone. The first ST_Transform of a process loads PostGIS's projection data: on the
 * embedded database that took 0.7–0.9 s on the 2-core reference machine (bench:web), which the
 * first visitor's first tiles would otherwise wait for.
 */
export async function warmTransforms(q: Queryable): Promise<void> {
  await q.query(`SELECT ST_Transform(ST_TileEnvelope(0, 0, 0), 4490) AS a,
                        ST_Transform(ST_SetSRID(ST_MakePoint(120, 30), 4490), 3857) AS b,
                        ST_Transform(ST_SetSRID(ST_MakePoint(120, 30), 4490), 4549) AS c`);
}

// ---------------------------------------------------------------- catalogue helpers

/** Number of versions per layer id. */
export async function versionCounts(q: Queryable): Promise<Map<number, number>> {
  const r = await q.query<{ layer_id: number; n: number }>(`SELECT layer_id, count(*)::int AS n FROM layer_version GROUP BY layer_id`);
  return new Map(r.rows.map((x) => [x.layer_id, x.n]));
}

export interface LabelRow {
  fid: string;
  props: Record<string, unknown>;
  lon: number;
  lat: number;
}

/** A point inside each feature (ST_PointOnSurface) to hang its name on, largest features first. */
export async function labelPoints(q: Queryable, scope: LayerScope, version: number, limit: number, d: DistrictLayer): Promise<LabelRow[]> {
  const f = scopeFilter(scope, d, 'f.geom', 3);
  return (
    await q.query<LabelRow>(
      `SELECT f.fid, f.props, ST_X(p) AS lon, ST_Y(p) AS lat
       FROM feature f CROSS JOIN LATERAL ST_PointOnSurface(f.geom) AS p
      WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} ${f.sql}
      ORDER BY f.area_m2 DESC NULLS LAST, f.fid LIMIT ${Math.max(1, Math.min(limit, 1000))}`,
      [scope.layer.id, version, ...f.params],
    )
  ).rows;
}
