// All SQL of the machine review. Overlays read `feature_piece` (big polygons as ≤256-vertex
// ST_Subdivide pieces) and cut the project boundary the same way, so the cost follows the area the
// project touches rather than the vertex count of a control line (issue 3, decision 0003).
import type { Queryable } from '../db/index.ts';
import { aliveAt, aliveIn } from '../store/fragments.repository.ts';
import { SUBDIVIDE_MAX_VERTICES } from '../store/store.repository.ts';

/** Project pieces are cut like the stored pieces (≤ 256 vertices) before the overlay; 64 and 128 measured slower in bench:review. */
const SUBJECT_PIECE_VERTICES = 256;

export interface SubjectRow {
  ewkb: string;
  geojson: string;
  area_m2: number;
  planar_m2: number;
  planar_srid: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  parcels: { fid: string; area_m2: number; planar_m2: number }[];
  invalid_reason: string | null;
}

/**
 * The project boundary: the union of all parcels as one normalised MultiPolygon in EPSG:4490, its
 * ellipsoidal area and its planar area in the Gauss-Krüger zone of the whole project (so every
 * planar figure of one review is in the same zone).
 */
export async function prepareSubject(q: Queryable, parcels: { fid: string; ewkb: string }[]): Promise<SubjectRow> {
  const r = await q.query<SubjectRow>(
    `WITH p AS (SELECT fid, ST_GeomFromEWKB(decode(hex, 'hex')) AS g FROM unnest($1::text[], $2::text[]) AS t(fid, hex)),
          u AS (SELECT ST_Multi(ST_CollectionExtract(ST_Normalize(ST_UnaryUnion(ST_Collect(g))), 3)) AS g FROM p),
          z AS (SELECT g, onemap_planar_srid(g) AS srid FROM u)
     SELECT encode(ST_AsEWKB(z.g), 'hex') AS ewkb, ST_AsGeoJSON(z.g, 8) AS geojson,
            onemap_area(z.g) AS area_m2, onemap_planar_area(z.g, z.srid) AS planar_m2, z.srid AS planar_srid,
            ST_XMin(z.g) AS xmin, ST_YMin(z.g) AS ymin, ST_XMax(z.g) AS xmax, ST_YMax(z.g) AS ymax,
            CASE WHEN ST_IsValid(z.g) THEN NULL ELSE ST_IsValidReason(z.g) END AS invalid_reason,
            (SELECT json_agg(json_build_object('fid', p.fid, 'area_m2', onemap_area(p.g), 'planar_m2', onemap_planar_area(p.g, z.srid))) FROM p) AS parcels
       FROM z`,
    [parcels.map((p) => p.fid), parcels.map((p) => p.ewkb)],
    { prepare: true },
  );
  return r.rows[0];
}

export interface LayerStateRow {
  id: number;
  code: string;
  name_zh: string;
  legal_basis: string | null;
  version: number | null;
  feature_count: number;
  /** full: coverage holds the project (or no coverage declared) · partial · none. */
  coverage: 'full' | 'partial' | 'none';
  outside_coverage_m2: number;
  /** The catalogue's attributes with their names (别名), so messages name a field, not its code. */
  attr_schema: { name: string; label?: string }[] | null;
}

export async function layerStates(q: Queryable, codes: string[], subject: string): Promise<LayerStateRow[]> {
  return (
    await q.query<LayerStateRow>(
      `WITH s AS (SELECT ST_GeomFromEWKB(decode($2, 'hex')) AS g)
       SELECT l.id, l.code, l.name_zh, l.legal_basis, l.active_version AS version, l.attr_schema,
              coalesce(v.feature_count, 0) AS feature_count,
              CASE WHEN l.coverage IS NULL OR ST_Covers(l.coverage, s.g) THEN 'full'
                   WHEN ST_Intersects(l.coverage, s.g) THEN 'partial' ELSE 'none' END AS coverage,
              CASE WHEN l.coverage IS NULL OR ST_Covers(l.coverage, s.g) THEN 0
                   ELSE onemap_area(ST_Difference(s.g, l.coverage)) END AS outside_coverage_m2
         FROM layer l CROSS JOIN s
         LEFT JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version
        WHERE l.code = ANY($1::text[])`,
      [codes, subject],
      { prepare: true },
    )
  ).rows;
}

export interface OverlapRow {
  layer_id: number;
  fid: string;
  props: Record<string, unknown>;
  area_m2: number;
  planar_m2: number;
  geojson: string;
}

/**
 * Per feature of each layer (at the given version): the area of its overlap with the project,
 * ellipsoidal and planar, and the overlap geometry. One statement for all layers of a review.
 * A parcel that only touches a feature (shared edge or point) gives an empty polygonal
 * intersection and no row: touching is not overlapping.
 */
export async function overlaps(
  q: Queryable,
  subject: string,
  layers: { id: number; version: number }[],
  planarSrid: number,
): Promise<OverlapRow[]> {
  if (layers.length === 0) return [];
  // Layer ids and versions are integers from the catalogue, written into the statement as
  // literals: the planner then prunes partitions at plan time and drives each partition's GiST
  // index from the project pieces. (With them as array parameters joined through the
  // feature_piece view it chose a plan ~30× slower on the large demo city.)
  const ids = layers.map((l) => Number(l.id)).join(', ');
  const alive = (t: string) =>
    '(' + layers.map((l) => `(${t}.layer_id = ${Number(l.id)} AND ${aliveAt(t, String(Number(l.version)))})`).join(' OR ') + ')';
  return (
    await q.query<OverlapRow>(
      `WITH s AS MATERIALIZED (SELECT ST_Subdivide(ST_GeomFromEWKB(decode($1, 'hex')), ${SUBJECT_PIECE_VERTICES}) AS g),
            hit AS (
              SELECT f.layer_id, f.id AS feature_id, ST_CollectionExtract(ST_Intersection(f.geom, s.g), 3) AS ig
                FROM s JOIN feature f ON f.geom && s.g
               WHERE f.layer_id IN (${ids}) AND f.npoints <= ${SUBDIVIDE_MAX_VERTICES} AND ${alive('f')} AND ST_Intersects(f.geom, s.g)
              UNION ALL
              SELECT p.layer_id, p.feature_id, ST_CollectionExtract(ST_Intersection(p.geom, s.g), 3)
                FROM s JOIN feature_part p ON p.geom && s.g
               WHERE p.layer_id IN (${ids}) AND ${alive('p')} AND ST_Intersects(p.geom, s.g)),
            agg AS (
              SELECT layer_id, feature_id, sum(onemap_area(ig)) AS area_m2,
                     sum(onemap_planar_area(ig, $2::int)) AS planar_m2, ST_Collect(ig) AS g
                FROM hit WHERE NOT ST_IsEmpty(ig) GROUP BY layer_id, feature_id)
       SELECT a.layer_id, f.fid, f.props, a.area_m2, a.planar_m2, ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(a.g, 3)), 7) AS geojson
         FROM agg a JOIN feature f ON f.layer_id = a.layer_id AND f.id = a.feature_id
        ORDER BY a.layer_id, a.area_m2 DESC, f.fid`,
      [subject, planarSrid],
      { prepare: true },
    )
  ).rows;
}

/** The part of the project outside every feature of a layer (must-be-within), as GeoJSON. */
export async function outsidePart(q: Queryable, subject: string, layerId: number, version: number): Promise<string | null> {
  const r = await q.query<{ geojson: string | null }>(
    `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
          inside AS (
            SELECT ST_UnaryUnion(ST_Collect(ST_CollectionExtract(ST_Intersection(p.geom, s.g), 3))) AS g
              FROM feature_piece p JOIN s ON p.geom && s.g
             WHERE ${aliveIn('p', '$2', '$3')} AND ST_Intersects(p.geom, s.g))
     SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(CASE WHEN inside.g IS NULL THEN s.g ELSE ST_Difference(s.g, inside.g) END, 3)), 7) AS geojson
       FROM s, inside`,
    [subject, layerId, version],
    { prepare: true },
  );
  return r.rows[0]?.geojson ?? null;
}

export interface SetbackRow {
  fid: string;
  props: Record<string, unknown>;
  distance_m: number;
  setback_m: number;
  band_m2: number;
  band_planar_m2: number;
  geojson: string | null;
}

/**
 * Features within their setback distance of the project, with the area of the project inside the
 * setback band. The band is the part of the project within d of a feature but outside every
 * feature of the layer (at the reviewed version) and outside every feature of the layers the rule
 * names as already counted (`counted`): the project's overlap with those is the forbidden-overlap
 * findings' business, and a river's band cut only by that river covered the water of a river
 * touching it, counting it twice (issue 18: 61,378.85 m² instead of 56,157.80 m² on 上城区).
 * Bands of several features overlapping on land are one band, counted once: each feature reports
 * the part of its band no feature nearer the project (then by smaller fid) has claimed, so the
 * per-feature areas partition the band and sum to its area; a feature whose whole band was
 * claimed is still listed, with its distance and 0 m². (Attribution to the nearest feature per
 * point would need a Voronoi split of polygons, which PostGIS has no exact operation for.)
 * Each feature is clipped to the project's box grown by d before buffering: every point of the
 * project within d of the feature has its nearest feature point inside that box, so the band is
 * exact and the buffer small; the cut needs only what lies inside the project's box.
 * Distances are measured in the project's Gauss-Krüger zone (scale error ≤ 2.6e-4 at a zone edge,
 * 0.26 m per km): geography ST_Distance between polygons a few metres apart returned 0 in
 * PostGIS 3.3 (tested: two rectangles 5 m apart), so it is not used here. Areas are ellipsoidal
 * (the band back in EPSG:4490, onemap_area), like every other area of the review. Everything is
 * densified (onemap_densify) before it goes into the zone: ST_Transform moves vertices only, and a
 * long lon/lat-straight edge would otherwise bound a different region there (decision 0011).
 */
export async function setbackHits(
  q: Queryable,
  a: {
    subject: string;
    layerId: number;
    version: number;
    planarSrid: number;
    defaultM: number;
    field: string | null;
    maxM: number;
    /** Other layers whose overlap with the project is already counted, at their reviewed versions. */
    counted: { id: number; version: number }[];
  },
): Promise<SetbackRow[]> {
  // 1° of longitude is ≥ 95 km and 1° of latitude ≥ 110 km in Hangzhou (≤ 31°N): d / 90000 degrees
  // is at least d metres both ways, so the box filter never misses a candidate.
  return (
    await q.query<SetbackRow>(
      `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
            cand AS (
              SELECT DISTINCT p.feature_id FROM feature_piece p, s
               WHERE ${aliveIn('p', '$2', '$3')}
                 AND p.geom && ST_Expand(s.g, $7::float8 / 90000)),
            f AS (
              SELECT f.fid, f.props, f.geom,
                     CASE WHEN $6::text IS NOT NULL AND f.props->>$6::text ~ '^[0-9]+(\\.[0-9]+)?$'
                          THEN least((f.props->>$6::text)::float8, $7::float8) ELSE $5::float8 END AS d
                FROM cand JOIN feature f ON f.layer_id = $2 AND f.id = cand.feature_id),
            clip AS (
              SELECT f.*, ST_MakeValid(ST_Transform(onemap_densify(ST_ClipByBox2D(f.geom, ST_Expand(s.g, f.d / 90000))), $4::int)) AS fp,
                     ST_Transform(onemap_densify(s.g), $4::int) AS sp
                FROM f, s),
            other AS (
              SELECT ST_MakeValid(ST_Transform(onemap_densify(ST_ClipByBox2D(p.geom, ST_Expand(s.g, 1.0 / 90000))), $4::int)) AS g
                FROM feature_piece p
                JOIN unnest($8::int[], $9::int[]) AS c(layer_id, version) ON p.layer_id = c.layer_id, s
               WHERE ${aliveAt('p', 'c.version')} AND p.geom && s.g),
            cut AS (
              SELECT coalesce(ST_UnaryUnion(ST_Collect(g)), ST_SetSRID('POLYGON EMPTY'::geometry, $4::int)) AS g
                FROM (SELECT fp AS g FROM clip UNION ALL SELECT g FROM other) x),
            near AS (SELECT clip.*, ST_Distance(fp, sp) AS dist FROM clip WHERE ST_DWithin(fp, sp, d)),
            band AS (
              SELECT fid, props, dist, d, row_number() OVER (ORDER BY dist, fid) AS k,
                     ST_CollectionExtract(ST_Difference(ST_Intersection(sp, ST_Buffer(fp, d)), cut.g), 3) AS b
                FROM near, cut),
            own AS (
              SELECT band.fid, band.props, band.dist, band.d,
                     ST_CollectionExtract(CASE WHEN prior.g IS NULL THEN band.b ELSE ST_Difference(band.b, prior.g) END, 3) AS b
                FROM band LEFT JOIN LATERAL (SELECT ST_UnaryUnion(ST_Collect(e.b)) AS g FROM band e WHERE e.k < band.k) prior ON true)
       SELECT fid, props, dist AS distance_m, d AS setback_m,
              onemap_area(ST_Transform(b, 4490)) AS band_m2, ST_Area(b) AS band_planar_m2,
              CASE WHEN ST_IsEmpty(b) THEN NULL ELSE ST_AsGeoJSON(ST_Multi(ST_Transform(b, 4490)), 7) END AS geojson
         FROM own ORDER BY dist, fid`,
      [
        a.subject,
        a.layerId,
        a.version,
        a.planarSrid,
        a.defaultM,
        a.field,
        a.maxM,
        a.counted.map((c) => c.id),
        a.counted.map((c) => c.version),
      ],
      { prepare: true },
    )
  ).rows;
}

/**
 * Runways of a layer: whether the project lies in the referral zone (within `side` m of the
 * centreline extended by `beyond` m past each end; Zhejiang practice, domain.md §9), and the
 * distance to each runway.
 */
export async function runwayReferral(
  q: Queryable,
  a: { subject: string; layerId: number; version: number; planarSrid: number; side: number; beyond: number },
) {
  return (
    await q.query<{ fid: string; props: Record<string, unknown>; distance_m: number; in_zone: boolean }>(
      `WITH s AS (SELECT ST_Transform(ST_GeomFromEWKB(decode($1, 'hex')), $4::int) AS g),
            r AS (SELECT f.fid, f.props, ST_Transform(ST_LineMerge(f.geom), $4::int) AS g FROM feature f
                   WHERE ${aliveIn('f', '$2', '$3')}),
            e AS (SELECT fid, props, g, ST_StartPoint(g) AS a, ST_EndPoint(g) AS b, ST_Azimuth(ST_StartPoint(g), ST_EndPoint(g)) AS az FROM r
                   WHERE GeometryType(g) = 'LINESTRING')
       SELECT e.fid, e.props, ST_Distance(e.g, s.g) AS distance_m,
              ST_Intersects(s.g, ST_Buffer(ST_MakeLine(ST_Translate(e.a, -$6::float8 * sin(e.az), -$6::float8 * cos(e.az)),
                                                       ST_Translate(e.b, $6::float8 * sin(e.az), $6::float8 * cos(e.az))), $5::float8, 'endcap=flat')) AS in_zone
         FROM e, s ORDER BY distance_m`,
      [a.subject, a.layerId, a.version, a.planarSrid, a.side, a.beyond],
      { prepare: true },
    )
  ).rows;
}

// The frozen runs (review_run) -------------------------------------------------------------

export interface NewRun {
  caseId: number | null;
  projectName: string;
  projectType: string;
  indicators: Record<string, number>;
  /** The boundary, hex EWKB (EPSG:4490). */
  ewkb: string;
  hash: string;
  areaM2: number;
  planarM2: number;
  ruleset: { name: string; version: number };
  layerVersions: Record<string, number | null>;
  verdict: string;
  durationMs: number;
  createdBy: string;
}

/** Stores a run (its full result follows with setRunResult, once the id is known). */
export async function insertRun(q: Queryable, r: NewRun): Promise<{ id: number; created_at: string }> {
  return (
    await q.query<{ id: number; created_at: string }>(
      `INSERT INTO review_run (case_id, project_name, project_type, indicators, geom, geom_hash, area_m2, planar_m2, ruleset_name, ruleset_version,
                               layer_versions, verdict, result, duration_ms, created_by)
       VALUES ($1, $2, $3, $4, ST_GeomFromEWKB(decode($5, 'hex')), $6, $7, $8, $9, $10, $11, $12, '{}', $13, $14)
       RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`,
      [
        r.caseId,
        r.projectName,
        r.projectType,
        JSON.stringify(r.indicators),
        r.ewkb,
        r.hash,
        r.areaM2,
        r.planarM2,
        r.ruleset.name,
        r.ruleset.version,
        JSON.stringify(r.layerVersions),
        r.verdict,
        r.durationMs,
        r.createdBy,
      ],
    )
  ).rows[0];
}

export async function setRunResult(q: Queryable, id: number, result: unknown): Promise<void> {
  await q.query(`UPDATE review_run SET result = $2 WHERE id = $1`, [id, JSON.stringify(result)]);
}

/** The stored result of a run (JSON as frozen), or undefined. */
export async function runResult<T>(q: Queryable, id: number): Promise<T | undefined> {
  return (await q.query<{ result: T }>(`SELECT result FROM review_run WHERE id = $1`, [id])).rows[0]?.result;
}

/** The frozen boundary of a run, hex EWKB. */
export async function runBoundary(q: Queryable, id: number): Promise<string | undefined> {
  return (await q.query<{ ewkb: string }>(`SELECT encode(ST_AsEWKB(geom), 'hex') AS ewkb FROM review_run WHERE id = $1`, [id])).rows[0]
    ?.ewkb;
}
