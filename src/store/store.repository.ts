// All SQL of the versioned feature store. A new version is written from a temporary staging
// table (`onemap_stage`) inside the caller's transaction, so a failed import leaves nothing behind.
import type { Queryable } from '../db/index.ts';
import { aliveAt, sameGeometry, snapped } from './fragments.repository.ts';

export { aliveAt };

/** Polygons above this many vertices are also kept as ST_Subdivide pieces (see feature_piece). */
export const SUBDIVIDE_MAX_VERTICES = 256;

export const STAGE = 'onemap_stage';
export const STAGE_COLUMNS = ['seq', 'fid', 'loc', 'geom', 'props', 'points'];

export async function createStage(tx: Queryable): Promise<void> {
  // geom is loaded as hex WKB without SRID; the source SRID is applied when reading it.
  await tx.exec(`DROP TABLE IF EXISTS ${STAGE};
    CREATE TEMP TABLE ${STAGE} (seq int NOT NULL, fid text NOT NULL, loc text, geom geometry, props jsonb NOT NULL, points jsonb) ON COMMIT DROP;`);
}

export async function dropStage(tx: Queryable): Promise<void> {
  await tx.exec(`DROP TABLE IF EXISTS ${STAGE}`);
}

/**
 * A datum transformation of every staged geometry (decision 0012): between two PROJ strings (the
 * 7 parameters as +towgs84), or an affine map on the plane (the 4 parameters). Staged geometries
 * carry no SRID, so they leave as they came.
 */
export type StageTransform =
  { kind: 'proj'; from: string; to: string } | { kind: 'affine'; a: number; b: number; d: number; e: number; xoff: number; yoff: number };

export async function transformStage(tx: Queryable, t: StageTransform): Promise<void> {
  if (t.kind === 'proj')
    await tx.query(`UPDATE ${STAGE} SET geom = ST_SetSRID(ST_Transform(geom, $1::text, $2::text), 0) WHERE geom IS NOT NULL`, [
      t.from,
      t.to,
    ]);
  else
    await tx.query(
      `UPDATE ${STAGE} SET geom = ST_Affine(geom, $1::float8, $2::float8, $3::float8, $4::float8, $5::float8, $6::float8) WHERE geom IS NOT NULL`,
      [t.a, t.b, t.d, t.e, t.xoff, t.yoff],
    );
}

export interface StageExtent {
  n: number;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
}

export async function stageExtent(tx: Queryable): Promise<StageExtent> {
  return (
    await tx.query<StageExtent>(
      `SELECT n, ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
         FROM (SELECT ST_Extent(geom)::geometry AS e, count(*)::int AS n FROM ${STAGE}) s`,
    )
  ).rows[0];
}

export interface ZoneSpan {
  /** Longitude range (EPSG:4490) of the staged polygons; null when there are none. */
  lon_min: number | null;
  lon_max: number | null;
  /** Polygons whose own extent crosses a 3° zone boundary (zone = round(lon / 3)). */
  crossing: number;
  /** The first of them in file order: fid, lowest and highest zone. */
  examples: { fid: string; zmin: number; zmax: number }[];
}

/**
 * Which 3° Gauss-Krüger zones the staged polygons (source CRS `srid`) lie in: planar areas are
 * computed in one zone per feature, or in the file's own zone, and are distorted beyond it. The
 * envelope is transformed rather than the geometry: the zone of its corners is all that is asked.
 */
export async function stagedZoneSpan(tx: Queryable, srid: number): Promise<ZoneSpan> {
  const g = `ST_Transform(ST_Envelope(ST_SetSRID(geom, ${Number(srid)})), 4490)`;
  const r = await tx.query<{ lon_min: number | null; lon_max: number | null; crossing: number; examples: string | null }>(
    `WITH z AS (
       SELECT seq, fid, ST_XMin(e) AS x0, ST_XMax(e) AS x1, round(ST_XMin(e) / 3)::int AS zmin, round(ST_XMax(e) / 3)::int AS zmax
         FROM (SELECT seq, fid, ${g} AS e FROM ${STAGE}
                WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')) s)
     SELECT min(x0) AS lon_min, max(x1) AS lon_max, count(*) FILTER (WHERE zmin <> zmax)::int AS crossing,
            (SELECT json_agg(json_build_object('fid', fid, 'zmin', zmin, 'zmax', zmax) ORDER BY seq)::text
               FROM (SELECT * FROM z WHERE zmin <> zmax ORDER BY seq LIMIT 5) c) AS examples
       FROM z`,
  );
  const row = r.rows[0];
  return { ...row, examples: row.examples ? JSON.parse(row.examples) : [] };
}

/** The city extent (EPSG:4490, with margin) expressed as a bbox in the source CRS. */
export async function extentInSource(
  tx: Queryable,
  ext: [number, number, number, number],
  srid: number,
): Promise<[number, number, number, number]> {
  const r = await tx.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(g) AS xmin, ST_YMin(g) AS ymin, ST_XMax(g) AS xmax, ST_YMax(g) AS ymax
       FROM (SELECT ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, 4490), 0.05), $5::int) AS g) s`,
    [...ext, srid],
  );
  const b = r.rows[0];
  return [b.xmin, b.ymin, b.xmax, b.ymax];
}

export interface ProblemRow {
  seq: number;
  fid: string;
  loc: string | null;
  kind: 'empty' | 'type' | 'outside' | 'invalid' | 'duplicate';
  gtype: string | null;
  reason: string | null;
  x: number | null;
  y: number | null;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
}

/**
 * Every staged feature that cannot go in as it is, in file order: no geometry, wrong geometry
 * type for the layer, outside the extent (checked in source coordinates so that swapped or
 * mis-declared coordinates never reach ST_Transform), invalid (reason and location from GEOS),
 * or a duplicate feature id. Limited to `limit` rows; `total` counts all.
 */
export async function findProblems(
  tx: Queryable,
  args: { srid: number; allowed: string[] | null; bbox: [number, number, number, number] | null; limit: number },
): Promise<{ rows: ProblemRow[]; total: number }> {
  const r = await tx.query<ProblemRow & { total: number }>(
    `WITH s AS (
       SELECT seq, fid, loc, ST_SetSRID(geom, $1::int) AS g FROM ${STAGE}
     ), checked AS (
       SELECT seq, fid, loc, g,
         CASE
           WHEN g IS NULL OR ST_IsEmpty(g) THEN 'empty'
           WHEN $2::text[] IS NOT NULL AND NOT (GeometryType(g) = ANY ($2::text[])) THEN 'type'
           WHEN $3::float8 IS NOT NULL AND NOT (g @ ST_MakeEnvelope($3, $4, $5, $6, $1::int)) THEN 'outside'
           WHEN NOT ST_IsValid(g) THEN 'invalid'
           WHEN fid IN (SELECT fid FROM ${STAGE} GROUP BY fid HAVING count(*) > 1) THEN 'duplicate'
         END AS kind
       FROM s
     )
     SELECT seq, fid, loc, kind, GeometryType(g) AS gtype,
            CASE WHEN kind = 'invalid' THEN (ST_IsValidDetail(g)).reason END AS reason,
            CASE WHEN kind = 'invalid' THEN ST_X((ST_IsValidDetail(g)).location) END AS x,
            CASE WHEN kind = 'invalid' THEN ST_Y((ST_IsValidDetail(g)).location) END AS y,
            ST_XMin(g) AS xmin, ST_YMin(g) AS ymin, ST_XMax(g) AS xmax, ST_YMax(g) AS ymax,
            count(*) OVER ()::int AS total
       FROM checked WHERE kind IS NOT NULL ORDER BY seq LIMIT $7`,
    [args.srid, args.allowed, ...(args.bbox ?? [null, null, null, null]), args.limit],
  );
  return { rows: r.rows, total: r.rows[0]?.total ?? 0 };
}

export interface StagedKey {
  n: number;
  /** Features with no value (or an empty one) in the key field. */
  missing: number;
  distinct: number;
  /** The first feature without a value, in file order. */
  first_fid: string | null;
  first_loc: string | null;
}

/** How the staged features fill attribute `field` (a matching key). */
export async function stagedKey(tx: Queryable, field: string): Promise<StagedKey> {
  const r = await tx.query<StagedKey>(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE coalesce(props->>$1, '') = '')::int AS missing,
            count(DISTINCT nullif(props->>$1, ''))::int AS distinct,
            (SELECT fid FROM ${STAGE} WHERE coalesce(props->>$1, '') = '' ORDER BY seq LIMIT 1) AS first_fid,
            (SELECT loc FROM ${STAGE} WHERE coalesce(props->>$1, '') = '' ORDER BY seq LIMIT 1) AS first_loc
       FROM ${STAGE}`,
    [field],
  );
  return r.rows[0];
}

/** Staged features take their id from attribute `field` (matched by key, not by file id or position). */
export async function keyStagedFids(tx: Queryable, field: string): Promise<void> {
  await tx.query(`UPDATE ${STAGE} SET fid = props->>$1`, [field]);
}

/** Source-CRS point → EPSG:4490 lon/lat, or null when PROJ cannot (coordinates nonsensical). */
export async function toLonLat(tx: Queryable, srid: number, x: number, y: number): Promise<[number, number] | null> {
  try {
    const r = await tx.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3::int), 4490) AS p) s`,
      [x, y, srid],
    );
    return [r.rows[0].lon, r.rows[0].lat];
  } catch {
    return null;
  }
}

/**
 * Planar area (m²) of each staged feature, in file order: in the Gauss-Krüger zone `zoneSrid`
 * the file's coordinates are in (coordinate TXT), or, with null, in each feature's own 3° zone.
 */
export async function stagedPlanarAreas(tx: Queryable, zoneSrid: number | null): Promise<{ fid: string; planar: number }[]> {
  const r = await tx.query<{ fid: string; planar: number }>(
    zoneSrid !== null
      ? `SELECT fid, ST_Area(ST_SetSRID(geom, ${Number(zoneSrid)})) AS planar FROM ${STAGE} ORDER BY seq`
      : `SELECT fid, onemap_planar_area(ST_SetSRID(geom, 4490)) AS planar FROM ${STAGE} ORDER BY seq`,
  );
  return r.rows;
}

/**
 * Pairs of staged features whose interiors overlap by more than `minM2`, in the stage's own planar
 * coordinates (for a coordinate TXT: metres of its GK zone). Parcels that only share a boundary
 * overlap by 0 and are not listed. For small files (the TXT): a self-join over the whole stage.
 */
export async function stagedPlanarOverlaps(tx: Queryable, minM2: number): Promise<{ a: string; b: string; m2: number }[]> {
  const r = await tx.query<{ a: string; b: string; m2: number }>(
    `SELECT a, b, m2 FROM (
       SELECT x.fid AS a, y.fid AS b, x.seq AS sa, y.seq AS sb, ST_Area(ST_Intersection(x.geom, y.geom)) AS m2
         FROM ${STAGE} x JOIN ${STAGE} y ON x.seq < y.seq AND ST_Intersects(x.geom, y.geom)
     ) o WHERE m2 > $1 ORDER BY sa, sb`,
    [minM2],
  );
  return r.rows;
}

export async function sridExists(tx: Queryable, srid: number): Promise<boolean> {
  return (await tx.query(`SELECT 1 FROM spatial_ref_sys WHERE srid = $1`, [srid])).rows.length > 0;
}

export async function nextVersion(tx: Queryable, layerId: number): Promise<number> {
  // Locks the layer row: two imports into one layer queue instead of racing for a number.
  await tx.query(`SELECT id FROM layer WHERE id = $1 FOR UPDATE`, [layerId]);
  const r = await tx.query<{ v: number }>(`SELECT coalesce(max(version), 0)::int + 1 AS v FROM layer_version WHERE layer_id = $1`, [
    layerId,
  ]);
  return r.rows[0].v;
}

/**
 * SELECT over the staging table giving finished rows in EPSG:4490 with areas and a row hash.
 * The row hash is over the geometry snapped to the store's tolerance grid and the attributes.
 * Planar area uses each feature's own 3° GK zone (onemap_planar_area); ellipsoidal area is on the
 * CGCS2000 ellipsoid via geography (its GRS80 parameters differ from CGCS2000's only in the
 * flattening's 10th digit, far below a square metre).
 * A TXT parcel's point names (points) enter the hash only when given, so the hash of every other
 * row is what it always was.
 */
function incomingSelect(srid: number, makeValid: boolean): string {
  const g0 = `ST_Force2D(ST_SetSRID(geom, ${Number(srid)}))`;
  const fixed = makeValid ? `CASE WHEN ST_IsValid(${g0}) THEN ${g0} ELSE ST_CollectionExtract(ST_MakeValid(${g0})) END` : g0;
  const g = srid === 4490 ? fixed : `ST_Transform(${fixed}, 4490)`;
  return `SELECT seq, fid, props, points, g AS geom,
      CASE WHEN GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON') THEN onemap_area(g) END AS area_m2,
      CASE WHEN GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON') THEN onemap_planar_area(g) END AS planar_m2,
      CASE WHEN GeometryType(g) IN ('LINESTRING', 'MULTILINESTRING') THEN ST_Length(g::geography) END AS length_m,
      ST_NPoints(g) AS npoints,
      md5(ST_AsBinary(${snapped('g')}) || convert_to(props::text || coalesce(points::text, ''), 'UTF8')) AS row_hash
    FROM (SELECT seq, fid, props, points, ${g} AS g FROM ${STAGE} WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)) s`;
}

/** Staged features as finished EPSG:4490 geometries (hex EWKB), in file order: review input. */
export async function stagedGeometries(
  tx: Queryable,
  srid: number,
  makeValid: boolean,
): Promise<{ fid: string; props: Record<string, unknown>; ewkb: string }[]> {
  return (
    await tx.query<{ fid: string; props: Record<string, unknown>; ewkb: string }>(
      `SELECT fid, props, encode(ST_AsEWKB(geom), 'hex') AS ewkb FROM (${incomingSelect(srid, makeValid)}) i ORDER BY seq`,
    )
  ).rows;
}

/** Ids of staged features that --make-valid changed, for the report. */
export async function repairedFeatures(
  tx: Queryable,
  srid: number,
  limit: number,
): Promise<{ fid: string; loc: string | null; reason: string }[]> {
  return (
    await tx.query<{ fid: string; loc: string | null; reason: string }>(
      `SELECT fid, loc, ST_IsValidReason(ST_SetSRID(geom, $1::int)) AS reason FROM ${STAGE}
        WHERE NOT ST_IsValid(ST_SetSRID(geom, $1::int)) ORDER BY seq LIMIT $2`,
      [srid, limit],
    )
  ).rows;
}

export interface ApplyCounts {
  added: number;
  removed: number;
  changed: number;
}

async function partitionExists(tx: Queryable, layerId: number): Promise<boolean> {
  const r = await tx.query<{ t: string | null }>(`SELECT to_regclass('feature_l' || $1::int)::text AS t`, [layerId]);
  return r.rows[0].t !== null;
}

const FEATURE_COLS = 'layer_id, v_from, fid, props, geom, area_m2, planar_m2, length_m, npoints, row_hash, source_points';

const subdivideSql = (target: string, source: string) =>
  `INSERT INTO ${target} (layer_id, feature_id, v_from, geom)
   SELECT layer_id, id, v_from, ST_Subdivide(geom, ${SUBDIVIDE_MAX_VERTICES}) FROM ${source}
    WHERE layer_id = $1 AND v_from = $2 AND npoints > ${SUBDIVIDE_MAX_VERTICES}
      AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')`;

/**
 * Writes version `v` from the staging table.
 *
 * First load of a layer: rows go into a fresh, index-less table that is then attached as the
 * layer's partition, so PostgreSQL builds the indexes once in bulk (≈ 2× faster than
 * maintaining a GiST index row by row). A CHECK on layer_id lets ATTACH skip its scan.
 *
 * Later versions: closes the rows of the newest version that are gone or changed, inserts new
 * and changed ones, and keeps unchanged rows (same fid and attributes, geometry within the store's
 * tolerance: fragments.repository.ts) untouched. When nothing differs, nothing is written.
 */
export async function applyIncoming(tx: Queryable, layerId: number, v: number, srid: number, makeValid: boolean): Promise<ApplyCounts> {
  const id = Number(layerId);
  if (!(await partitionExists(tx, id))) {
    await tx.exec(`CREATE TABLE feature_l${id} (LIKE feature INCLUDING DEFAULTS);
      ALTER TABLE feature_l${id} ADD CONSTRAINT feature_l${id}_layer CHECK (layer_id = ${id});
      CREATE TABLE feature_part_l${id} (LIKE feature_part INCLUDING DEFAULTS);
      ALTER TABLE feature_part_l${id} ADD CONSTRAINT feature_part_l${id}_layer CHECK (layer_id = ${id});`);
    const r = await tx.query(
      `INSERT INTO feature_l${id} (${FEATURE_COLS})
       SELECT $1, $2, fid, props, geom, area_m2, planar_m2, length_m, npoints, row_hash, points FROM (${incomingSelect(srid, makeValid)}) i ORDER BY seq`,
      [id, v],
    );
    await tx.query(subdivideSql(`feature_part_l${id}`, `feature_l${id}`), [id, v]);
    // ANALYZE the new partitions now: without statistics the next import's diff plans for an empty
    // table (issue 22: a second import into a just-created layer took 361 s instead of 4 s).
    await tx.exec(`ALTER TABLE feature ATTACH PARTITION feature_l${id} FOR VALUES IN (${id});
      ALTER TABLE feature_part ATTACH PARTITION feature_part_l${id} FOR VALUES IN (${id});
      ANALYZE feature_l${id}; ANALYZE feature_part_l${id};`);
    return { added: r.rowCount, removed: 0, changed: 0 };
  }

  // same_id: the row in force this incoming feature repeats (same fid, same attributes, geometry
  // within the tolerance), kept as it is. A hash match settles it at once; a mismatch is only
  // "maybe changed" (a vertex near a grid line snaps either way), confirmed by sameGeometry.
  // Point names count only when the file gives them: a Shapefile of the same parcels keeps the row
  // (and the names a TXT gave it), a TXT that renames a point writes a new one.
  await tx.exec(`DROP TABLE IF EXISTS onemap_incoming;
    CREATE TEMP TABLE onemap_incoming ON COMMIT DROP AS
      SELECT s.*, false AS matched, NULL::bigint AS same_id FROM (${incomingSelect(srid, makeValid)}) s;
    ANALYZE onemap_incoming;`);
  await tx.query(
    `UPDATE onemap_incoming i SET matched = true,
            same_id = CASE WHEN o.row_hash = i.row_hash OR (o.props = i.props AND (i.points IS NULL OR i.points = o.source_points)
                                   AND ${sameGeometry('o.geom', 'i.geom')}) THEN o.id END
       FROM feature o WHERE o.layer_id = $1 AND o.v_to IS NULL AND o.fid = i.fid`,
    [id],
  );
  const counts = (
    await tx.query<ApplyCounts>(
      `SELECT count(*) FILTER (WHERE NOT i.matched)::int AS added,
              count(*) FILTER (WHERE i.matched AND i.same_id IS NULL)::int AS changed,
              (SELECT count(*)::int FROM feature f WHERE f.layer_id = $1 AND f.v_to IS NULL
                 AND NOT EXISTS (SELECT 1 FROM onemap_incoming x WHERE x.fid = f.fid)) AS removed
         FROM onemap_incoming i`,
      [id],
    )
  ).rows[0];
  // Nothing differs: no row is touched, and the caller writes no version.
  if (counts.added + counts.removed + counts.changed === 0) {
    await tx.exec('DROP TABLE IF EXISTS onemap_incoming');
    return counts;
  }
  await tx.query(
    `UPDATE feature f SET v_to = $2 WHERE f.layer_id = $1 AND f.v_to IS NULL
       AND NOT EXISTS (SELECT 1 FROM onemap_incoming i WHERE i.same_id = f.id)`,
    [id, v],
  );
  await tx.query(
    `UPDATE feature_part p SET v_to = $2 FROM feature f
      WHERE p.layer_id = $1 AND p.v_to IS NULL AND f.layer_id = $1 AND f.id = p.feature_id AND f.v_to = $2`,
    [id, v],
  );
  await tx.query(
    `INSERT INTO feature (${FEATURE_COLS})
     SELECT $1, $2, i.fid, i.props, i.geom, i.area_m2, i.planar_m2, i.length_m, i.npoints, i.row_hash, i.points
       FROM onemap_incoming i WHERE i.same_id IS NULL ORDER BY i.seq`,
    [id, v],
  );
  await tx.query(subdivideSql('feature_part', 'feature'), [id, v]);
  await tx.exec('DROP TABLE IF EXISTS onemap_incoming');
  return counts;
}

export interface VersionTotals {
  feature_count: number;
  area_m2: number | null;
  planar_m2: number | null;
}

export async function versionTotals(tx: Queryable, layerId: number, v: number): Promise<VersionTotals> {
  return (
    await tx.query<VersionTotals>(
      `SELECT count(*)::int AS feature_count, sum(area_m2) AS area_m2, sum(planar_m2) AS planar_m2
         FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')}`,
      [layerId, v],
    )
  ).rows[0];
}

export interface VersionInsert {
  layerId: number;
  version: number;
  validFrom?: string | null;
  sourcePath: string | null;
  sourceFormat: string | null;
  sourceSrid: number | null;
  /** The import's CRS note (sridSource), naming a web-map conversion when there was one. */
  sourceCrs: string | null;
  /** Coordinate TXT: the [属性描述] fields in the order written (a jsonb object would sort them). */
  sourceHeader?: [string, string][] | null;
  totals: VersionTotals;
  counts: ApplyCounts;
  repaired: unknown[];
  createdBy: string | null;
  note: string | null;
}

export async function insertVersion(tx: Queryable, a: VersionInsert): Promise<void> {
  await tx.query(
    `INSERT INTO layer_version (layer_id, version, valid_from, source_path, source_format, source_srid, feature_count,
       area_m2, planar_m2, added, removed, changed, repaired, created_by, note, source_crs, source_header)
     VALUES ($1, $2, coalesce($3::timestamptz, now()), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17::jsonb)`,
    [
      a.layerId,
      a.version,
      a.validFrom ?? null,
      a.sourcePath,
      a.sourceFormat,
      a.sourceSrid,
      a.totals.feature_count,
      a.totals.area_m2,
      a.totals.planar_m2,
      a.counts.added,
      a.counts.removed,
      a.counts.changed,
      JSON.stringify(a.repaired),
      a.createdBy,
      a.note,
      a.sourceCrs,
      a.sourceHeader ? JSON.stringify(a.sourceHeader) : null,
    ],
  );
  await tx.query(`UPDATE layer SET active_version = $2, updated_at = now() WHERE id = $1`, [a.layerId, a.version]);
}
