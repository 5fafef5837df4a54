// All SQL of coverage runs: snapping facilities, parcels and proposed points to the walking
// network (nearest walkable edge within the snap distance whose snap line does not cross water),
// storing runs with their versions, and the GeoJSON the map reads (uncovered parcels,
// isochrones, facilities, districts). Distances are ellipsoidal (geography), in metres.
import type { Queryable } from '../db/index.ts';
import { isGeosFailure } from '../db/geos.ts';
import { aliveAt } from '../store/store.repository.ts';
import type { MatchRule } from './settings.ts';
import { districtCondition, type LayerScope } from '../auth/layers.ts';
import type { DistrictLayer } from '../config.ts';

// Storing runs and reading them back: runs.repository.ts.
export * from './runs.repository.ts';
import type { RunRow } from './runs.repository.ts';

/**
 * A reader limited to their districts (auth/layers.ts): the scope of the layer the features come
 * from and the configured district layer. null: the whole layer.
 */
export interface Within {
  scope: LayerScope;
  districts: DistrictLayer;
}

/** SQL condition keeping the features `geomExpr` inside `w` (the codes go in as the next parameter). */
function withinSql(w: Within | null, geomExpr: string, params: unknown[]): string {
  if (!w?.scope.districts) return 'true';
  params.push(w.scope.districts);
  return districtCondition(w.scope, geomExpr, params.length, w.districts);
}

/** Collects positional parameters while a query is assembled. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export interface LayerVersionRef {
  layerId: number;
  version: number;
}

export interface SnapContext {
  networkId: number;
  maxSnapM: number;
  water: LayerVersionRef | null;
}

/**
 * SQL condition: the snap line `line` does not cross water — it runs through LANX polygons for
 * less than 1 m. A measured length, not a topological predicate: streets often run exactly
 * along the blue line, so a snap point lies on the water's edge, and whether a line ending there
 * "enters" the water is decided differently by GEOS versions (3.11 touches, 3.14 crosses).
 */
function dryLine(P: Params, water: LayerVersionRef | null, line: string): string {
  if (!water) return 'true';
  const l = P.add(water.layerId);
  const v = P.add(water.version);
  return `NOT EXISTS (SELECT 1 FROM feature_piece w WHERE w.layer_id = ${l} AND ${aliveAt('w', v)}
            AND w.geom && ${line} AND ST_Intersects(w.geom, ${line})
            AND ST_Length(ST_Intersection(w.geom, ${line})::geography) >= 1)`;
}

/** Bounding box around g wide enough for `m` metres at its latitude (index prefilter only). */
const boxAround = (g: string, m: string) =>
  `ST_Expand(${g}, ${m} / (111000 * cos(radians(least(89, abs(ST_YMax(${g})))))), ${m} / 110000.0)`;

/**
 * Snap rows for the source query `src` (columns key, geom, c): the nearest walkable edge
 * (distance from the geometry), ties broken by distance from the representative point c; the
 * snap point is c projected on that edge; offset is measured from the edge's source.
 */
function snapQuery(P: Params, s: SnapContext, src: string, extra = ''): string {
  const net = P.add(s.networkId);
  const m = P.add(s.maxSnapM);
  // Candidates are ranked first; the distance limit and the water test then run on them in rank
  // order (outer filter + LIMIT 1), usually once per source instead of once per candidate edge.
  return `WITH src AS (${src})
    SELECT s.key, c.edge_id, c.offset_m, c.leg_m ${extra}
      FROM src s
      LEFT JOIN LATERAL (
        SELECT k.edge_id, ST_Length(ST_LineSubstring(k.geom, 0, k.frac)::geography) AS offset_m, ST_Distance(s.geom::geography, k.p::geography) AS leg_m
          FROM (SELECT e.id AS edge_id, e.geom, q.frac, q.p
                  FROM access_edge e
                  CROSS JOIN LATERAL (SELECT ST_LineLocatePoint(e.geom, s.c) AS frac) f
                  CROSS JOIN LATERAL (SELECT f.frac, ST_LineInterpolatePoint(e.geom, f.frac) AS p) q
                 WHERE e.network_id = ${net} AND e.walkable AND e.geom && ${boxAround('s.geom', m)}
                 ORDER BY ST_Distance(s.geom::geography, e.geom::geography), ST_Distance(s.c, e.geom), e.id
                OFFSET 0) k
         WHERE ST_DWithin(s.geom::geography, k.p::geography, ${m})
           AND (ST_Intersects(s.geom, k.p) OR ${dryLine(P, s.water, 'ST_ShortestLine(s.geom, k.p)')})
         LIMIT 1
      ) c ON true
     ORDER BY s.key`;
}

/** Network nodes within the snap distance of polygon sources (a park is entered where streets meet it). */
function nodeSourceQuery(P: Params, s: SnapContext, src: string): string {
  const net = P.add(s.networkId);
  const m = P.add(s.maxSnapM);
  return `WITH src AS (${src})
    SELECT s.key, n.id AS node_id, ST_Distance(s.geom::geography, n.geom::geography) AS leg_m
      FROM src s
      JOIN access_node n ON n.network_id = ${net} AND n.degree > 0 AND n.geom && ${boxAround('s.geom', m)}
     WHERE GeometryType(s.geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_DWithin(s.geom::geography, n.geom::geography, ${m})
       AND (ST_Intersects(s.geom, n.geom) OR ${dryLine(P, s.water, 'ST_ShortestLine(s.geom, n.geom)')})
     ORDER BY s.key, n.id`;
}

/**
 * Runs a snap query whose result has one row per source row, and checks it has: PostGIS in WASM
 * (PGlite) can lose a whole result to a GEOS failure without raising an error (see
 * isochronePolygons), and a coverage run must not silently count nothing.
 */
async function oneRowEach<T>(
  db: Queryable,
  what: string,
  countSql: string,
  countParams: unknown[],
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const expected = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${countSql}) s`, countParams)).rows[0].n;
  const rows = (await db.query<T>(sql, params)).rows;
  if (rows.length !== expected)
    throw new Error(
      `snapping ${what}: the database returned ${rows.length} of ${expected} rows (a PostGIS error was lost); nothing was stored`,
    );
  return rows;
}

function matchSql(P: Params, rules: MatchRule[] | undefined): string {
  if (!rules || rules.length === 0) return 'true';
  return '(' + rules.map((r) => `f.props->>${P.add(r.field)}::text = ANY (${P.add(r.values.map(String))}::text[])`).join(' OR ') + ')';
}

export interface SnapRow {
  key: number;
  edge_id: number | null;
  offset_m: number | null;
  leg_m: number | null;
}

export interface FacilitySnapRow extends SnapRow {
  fid: string;
}

export interface NodeSourceRow {
  key: number;
  node_id: number;
  leg_m: number;
}

/** Facilities of one type (features of a layer version matching the rules) and their snaps. */
export async function snapFacilities(
  db: Queryable,
  s: SnapContext,
  layer: LayerVersionRef,
  match: MatchRule[] | undefined,
): Promise<{ snaps: FacilitySnapRow[]; nodes: NodeSourceRow[] }> {
  const src = (P: Params) => `SELECT f.id AS key, f.fid, f.geom, ST_PointOnSurface(f.geom) AS c FROM feature f
     WHERE f.layer_id = ${P.add(layer.layerId)} AND ${aliveAt('f', P.add(layer.version))} AND ${matchSql(P, match)}`;
  const P0 = new Params();
  const count = src(P0);
  const P1 = new Params();
  const q1 = snapQuery(P1, s, src(P1), ', s.fid');
  const snaps = await oneRowEach<FacilitySnapRow>(db, 'facilities', count, P0.values, q1, P1.values);
  const P2 = new Params();
  const q2 = nodeSourceQuery(P2, s, src(P2));
  const nodes = (await db.query<NodeSourceRow>(q2, P2.values)).rows;
  return { snaps, nodes };
}

/** Proposed facilities ("what if"): lon/lat points, keys 0..n-1. */
export async function snapPoints(db: Queryable, s: SnapContext, points: [number, number][]): Promise<SnapRow[]> {
  const P = new Params();
  const lons = P.add(points.map((p) => p[0]));
  const lats = P.add(points.map((p) => p[1]));
  const src = `SELECT (k - 1)::int AS key, g AS geom, g AS c
     FROM unnest(${lons}::float8[], ${lats}::float8[]) WITH ORDINALITY AS u(lon, lat, k)
     CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4490) AS g) p`;
  const rows = (await db.query<SnapRow>(snapQuery(P, s, src), P.values)).rows;
  if (rows.length !== points.length)
    throw new Error(
      `snapping proposed facilities: the database returned ${rows.length} of ${points.length} rows (a PostGIS error was lost)`,
    );
  return rows;
}

export interface ResidentialFilter {
  layer: LayerVersionRef;
  field: string | null;
  pattern: string | null;
  populationField: string | null;
  districts: (LayerVersionRef & { codeField: string; nameField: string }) | null;
}

export interface ParcelSnapRow extends SnapRow {
  fid: string;
  area_m2: number;
  population: number | null;
  district_code: string | null;
  district_name: string | null;
}

/**
 * Residential parcels with their snap, ellipsoidal area, population (when the field holds a
 * number) and district (the district polygon containing the parcel's interior point).
 */
export async function snapParcels(db: Queryable, s: SnapContext, r: ResidentialFilter): Promise<ParcelSnapRow[]> {
  const P = new Params();
  const filter = r.field && r.pattern ? `coalesce(f.props->>${P.add(r.field)}::text, '') ~ ${P.add(r.pattern)}::text` : 'true';
  const pf = r.populationField ? P.add(r.populationField) : null;
  const pop = pf
    ? `CASE WHEN jsonb_typeof(f.props->${pf}::text) = 'number' THEN (f.props->>${pf}::text)::float8
            WHEN f.props->>${pf}::text ~ '^\\s*[0-9]+(\\.[0-9]+)?\\s*$' THEN trim(f.props->>${pf}::text)::float8 END`
    : 'NULL::float8';
  const d = r.districts;
  const district = d
    ? `LEFT JOIN LATERAL (
         SELECT df.props->>${P.add(d.codeField)}::text AS code, df.props->>${P.add(d.nameField)}::text AS name
           FROM feature_piece dp JOIN feature df ON df.layer_id = dp.layer_id AND df.id = dp.feature_id
          WHERE dp.layer_id = ${P.add(d.layerId)} AND ${aliveAt('dp', P.add(d.version))} AND dp.geom && x.c AND ST_Intersects(dp.geom, x.c)
          ORDER BY df.id LIMIT 1) dist ON true`
    : '';
  const src = `SELECT x.*, ${d ? 'dist.code' : 'NULL::text'} AS district_code, ${d ? 'dist.name' : 'NULL::text'} AS district_name
     FROM (SELECT f.id AS key, f.fid, f.geom, ST_PointOnSurface(f.geom) AS c, f.area_m2, ${pop} AS population
             FROM feature f
            WHERE f.layer_id = ${P.add(r.layer.layerId)} AND ${aliveAt('f', P.add(r.layer.version))}
              AND GeometryType(f.geom) IN ('POLYGON', 'MULTIPOLYGON') AND ${filter}) x
     ${district}`;
  const sql = snapQuery(P, s, src, ', s.fid, s.area_m2, s.population, s.district_code, s.district_name');
  const C = new Params();
  const countSql = `SELECT 1 FROM feature f WHERE f.layer_id = ${C.add(r.layer.layerId)} AND ${aliveAt('f', C.add(r.layer.version))}
      AND GeometryType(f.geom) IN ('POLYGON', 'MULTIPOLYGON')
      AND ${r.field && r.pattern ? `coalesce(f.props->>${C.add(r.field)}::text, '') ~ ${C.add(r.pattern)}::text` : 'true'}`;
  return oneRowEach<ParcelSnapRow>(db, 'residential parcels', countSql, C.values, sql, P.values);
}

// ---- GeoJSON for the map -------------------------------------------------------------------

export interface UncoveredRow {
  fid: string;
  district_code: string | null;
  area_m2: number;
  population: number | null;
  covered_mask: number;
  unsnapped: boolean;
  leg_m: number | null;
  g: string;
}

/** Parcels of a run missing at least one bit of `mask` (a type's bit, or every type's). */
export async function uncoveredParcels(
  db: Queryable,
  run: RunRow,
  mask: number,
  limit: number,
  within: Within | null = null,
): Promise<UncoveredRow[]> {
  const params: unknown[] = [run.id, run.residential_layer_id, mask, limit];
  return (
    await db.query<UncoveredRow>(
      `SELECT p.fid, p.district_code, p.area_m2, p.population, p.covered_mask, p.edge_id IS NULL AS unsnapped, p.leg_m, ST_AsGeoJSON(f.geom, 7, 0) AS g
         FROM access_run_parcel p JOIN feature f ON f.layer_id = $2 AND f.id = p.feature_id
        WHERE p.run_id = $1 AND (p.covered_mask & $3) <> $3 AND ${withinSql(within, 'f.geom', params)}
        ORDER BY p.feature_id LIMIT $4`,
      params,
    )
  ).rows;
}

export async function parcelGeoJson(
  db: Queryable,
  run: RunRow,
  featureIds: number[],
  within: Within | null = null,
): Promise<{ feature_id: number; fid: string; g: string }[]> {
  if (featureIds.length === 0) return [];
  const params: unknown[] = [run.residential_layer_id, featureIds];
  return (
    await db.query<{ feature_id: number; fid: string; g: string }>(
      `SELECT f.id AS feature_id, f.fid, ST_AsGeoJSON(f.geom, 7, 0) AS g FROM feature f
        WHERE f.layer_id = $1 AND f.id = ANY ($2::bigint[]) AND ${withinSql(within, 'f.geom', params)} ORDER BY f.id`,
      params,
    )
  ).rows;
}

export interface FacilityPointRow {
  feature_id: number;
  fid: string;
  name: string | null;
  lon: number;
  lat: number;
  edge_id: number | null;
  leg_m: number | null;
  in_box: boolean;
}

/** Facility locations of a run's type (their layer version), with their snap and whether they lie in the box. */
export async function facilityPoints(
  db: Queryable,
  runId: number,
  typeIdx: number,
  layer: LayerVersionRef,
  bbox: [number, number, number, number] | null,
  within: Within | null = null,
): Promise<FacilityPointRow[]> {
  const params: unknown[] = [runId, typeIdx, layer.layerId, ...(bbox ?? [null, null, null, null])];
  return (
    await db.query<FacilityPointRow>(
      `SELECT f.id AS feature_id, f.fid, coalesce(f.props->>'SSMC', f.props->>'GYMC', f.props->>'NAME', f.props->>'MC') AS name,
              ST_X(ST_PointOnSurface(f.geom)) AS lon, ST_Y(ST_PointOnSurface(f.geom)) AS lat, s.edge_id, s.leg_m,
              ($4::float8 IS NULL OR f.geom && ST_MakeEnvelope($4, $5, $6, $7, 4490)) AS in_box
         FROM (SELECT DISTINCT ON (feature_id) feature_id, edge_id, leg_m FROM access_run_facility
                WHERE run_id = $1 AND type_idx = $2 ORDER BY feature_id, node_id NULLS FIRST) s
         JOIN feature f ON f.layer_id = $3 AND f.id = s.feature_id
        WHERE ${withinSql(within, 'f.geom', params)}
        ORDER BY f.id`,
      params,
    )
  ).rows;
}

/**
 * Isochrone polygons: the reached edge pieces of each group, buffered by `widthM` in the
 * Gauss-Krüger zone of the group (display geometry; every measured distance is ellipsoidal).
 * Vertices are snapped to a grid first (10 cm): PostGIS in WASM (PGlite) fails on buffers of
 * nearly collinear pieces meeting at a node and then returns no rows at all instead of an error;
 * native PostGIS does not. A batch that comes back short is redone group by group, coarser grids
 * last; a group that still fails is left out rather than failing the map.
 */
export async function isochronePolygons(
  db: Queryable,
  networkId: number,
  pieces: { group: number[]; edge: number[]; f0: number[]; f1: number[] },
  widthM: number,
): Promise<{ grp: number; g: string; area_m2: number }[]> {
  if (pieces.group.length === 0) return [];
  const sql = `SELECT s.grp, ST_AsGeoJSON(b.poly, 7, 0) AS g, onemap_area(b.poly) AS area_m2
       FROM (SELECT p.grp, ST_Collect(CASE WHEN p.f0 <= 0 AND p.f1 >= 1 THEN e.geom ELSE ST_LineSubstring(e.geom, p.f0, p.f1) END) AS c
               FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[]) AS p(grp, edge, f0, f1)
               JOIN access_edge e ON e.network_id = $1 AND e.id = p.edge
              GROUP BY p.grp) s
       CROSS JOIN LATERAL (SELECT ST_Transform(ST_Buffer(ST_SnapToGrid(ST_Transform(s.c, onemap_planar_srid(s.c)), $7::float8), $6::float8, 'quad_segs=4'), 4490) AS poly) b
      ORDER BY s.grp`;
  type Row = { grp: number; g: string; area_m2: number };
  const groups = [...new Set(pieces.group)];
  // A GEOS failure is an error on both databases (the embedded adapter turns a lost result into
  // one, src/db/geos.ts): the batch then falls back to one group at a time.
  const all = await db.query<Row>(sql, [networkId, pieces.group, pieces.edge, pieces.f0, pieces.f1, widthM, 0.1]).then(
    (r) => r.rows,
    (e: unknown) => {
      if (isGeosFailure(e)) return [];
      throw e;
    },
  );
  if (all.length === groups.length) return all;
  const out: Row[] = [];
  for (const grp of groups) {
    const idx = pieces.group.flatMap((g, k) => (g === grp ? [k] : []));
    const args = [
      networkId,
      idx.map(() => grp),
      idx.map((k) => pieces.edge[k]),
      idx.map((k) => pieces.f0[k]),
      idx.map((k) => pieces.f1[k]),
      widthM,
    ];
    for (const grid of [0.1, 1, 5]) {
      const r = await db.query<Row>(sql, [...args, grid]).then(
        (q) => q.rows,
        (e: unknown) => {
          if (isGeosFailure(e)) return [];
          throw e;
        },
      );
      if (r.length) {
        out.push(r[0]);
        break;
      }
    }
  }
  return out;
}

export async function districtOutlines(
  db: Queryable,
  d: LayerVersionRef & { codeField: string; nameField: string },
): Promise<{ code: string | null; name: string | null; g: string }[]> {
  return (
    await db.query<{ code: string | null; name: string | null; g: string }>(
      `SELECT f.props->>$3::text AS code, f.props->>$4::text AS name, ST_AsGeoJSON(ST_SimplifyPreserveTopology(f.geom, 0.0003), 6, 0) AS g
         FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} ORDER BY f.id`,
      [d.layerId, d.version, d.codeField, d.nameField],
    )
  ).rows;
}

export async function layerRef(
  db: Queryable,
  code: string,
): Promise<{ id: number; code: string; active_version: number | null } | undefined> {
  return (
    await db.query<{ id: number; code: string; active_version: number | null }>(
      `SELECT id, code, active_version FROM layer WHERE upper(code) = upper($1)`,
      [code],
    )
  ).rows[0];
}
