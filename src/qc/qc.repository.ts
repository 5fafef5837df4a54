// All SQL of the quality check. The features under check are first put in one temporary table,
// onemap_qc_subject (EPSG:4490, GiST-indexed), whether they come from a staged file or from a
// layer version in the store, so every rule runs the same statement on both. Reference layers
// (the 行政区 a DLTB must cover, a CZKFBJ must lie in) are read from the store's versions in force.
// Topology uses only what PostGIS 3.3 has (ST_Relate, ST_Difference, ST_Union): no ST_Coverage*.
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { STAGE } from '../store/store.repository.ts';
import { activeDistricts, aliveIn } from '../store/fragments.repository.ts';

export const SUBJECT = 'onemap_qc_subject';

/** Coordinates of a located row and its geometry as GeoJSON text (EPSG:4490, 8 decimals ≈ 1 mm). */
export interface Located {
  lon: number | null;
  lat: number | null;
  geojson: string | null;
  /** Rows of the rule in all, however many were listed. */
  total: number;
}

const located = (pt: string, geom: string) =>
  `ST_X(${pt}) AS lon, ST_Y(${pt}) AS lat, ST_AsGeoJSON(${geom}, 8) AS geojson, count(*) OVER ()::int AS total`;

async function createSubject(q: Queryable): Promise<void> {
  // valid: usable by the geometric rules; reason/at: what GEOS says of an invalid one, and where.
  await q.exec(`DROP TABLE IF EXISTS ${SUBJECT};
    CREATE TEMP TABLE ${SUBJECT} (seq bigint NOT NULL, fid text NOT NULL, props jsonb NOT NULL, geom geometry,
      valid boolean NOT NULL, reason text, pt geometry) ON COMMIT DROP;`);
}

async function indexSubject(q: Queryable): Promise<number> {
  await q.exec(`CREATE INDEX ON ${SUBJECT} USING gist (geom); ANALYZE ${SUBJECT};`);
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SUBJECT}`)).rows[0].n;
}

/**
 * The staged file (onemap_stage, coordinates in `srid`) as the subject. With `makeValid` the
 * features are repaired as the import will write them (incomingSelect in store.repository.ts), so
 * the check sees what goes in. Returns the number of features.
 */
export async function subjectFromStage(q: Queryable, srid: number, makeValid: boolean): Promise<number> {
  await createSubject(q);
  await q.query(
    `INSERT INTO ${SUBJECT} (seq, fid, props, geom, valid, reason, pt)
     SELECT seq, fid, props, g, ok, reason,
            CASE WHEN ok THEN ST_PointOnSurface(g) WHEN at IS NOT NULL THEN at ELSE ST_Centroid(ST_Envelope(g)) END
       FROM (
         SELECT seq, fid, props, ok,
                CASE WHEN g0 IS NULL THEN NULL
                     WHEN v OR NOT $2::boolean THEN ST_Transform(g0, 4490)
                     ELSE ST_Transform(ST_CollectionExtract(ST_MakeValid(g0)), 4490) END AS g,
                CASE WHEN g0 IS NOT NULL AND NOT ok THEN (ST_IsValidDetail(g0)).reason END AS reason,
                CASE WHEN g0 IS NOT NULL AND NOT ok THEN ST_Transform(ST_SetSRID((ST_IsValidDetail(g0)).location, $1::int), 4490) END AS at
           FROM (SELECT seq, fid, props, g0, v, g0 IS NOT NULL AND (v OR $2::boolean) AS ok
                   FROM (SELECT seq, fid, props, g0, CASE WHEN g0 IS NOT NULL THEN ST_IsValid(g0) END AS v
                           FROM (SELECT seq, fid, props,
                                        CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN NULL ELSE ST_Force2D(ST_SetSRID(geom, $1::int)) END AS g0
                                   FROM ${STAGE}) a) b) c) d`,
    [srid, makeValid],
  );
  return indexSubject(q);
}

/** Version `version` of layer `layerId` in the store as the subject. */
export async function subjectFromStore(q: Queryable, layerId: number, version: number): Promise<number> {
  await createSubject(q);
  await q.query(
    `INSERT INTO ${SUBJECT} (seq, fid, props, geom, valid, reason, pt)
     SELECT id, fid, props, geom, ok, CASE WHEN NOT ok THEN ST_IsValidReason(geom) END,
            CASE WHEN ok THEN ST_PointOnSurface(geom) ELSE ST_Centroid(ST_Envelope(geom)) END
       FROM (SELECT f.id, f.fid, f.props, f.geom, coalesce(ST_IsValid(f.geom), false) AS ok
               FROM feature f WHERE ${aliveIn('f', '$1', '$2')}) s`,
    [layerId, version],
  );
  return indexSubject(q);
}

export interface LayerRef {
  id: number;
  version: number;
  name: string;
  geometry_type: string;
}

/** A layer of the catalogue and its version in force (null version: no data yet). */
export async function layerRef(q: Queryable, code: string): Promise<(Omit<LayerRef, 'version'> & { version: number | null }) | null> {
  const r = await q.query<Omit<LayerRef, 'version'> & { version: number | null }>(
    `SELECT id, active_version AS version, name_zh AS name, geometry_type FROM layer WHERE upper(code) = upper($1)`,
    [code],
  );
  return r.rows[0] ?? null;
}

export interface FieldRow extends Located {
  fid: string;
  name: string;
  type: string;
  maxlen: number | null;
  problem: 'missing' | 'type' | 'length';
  value: string | null;
  vtype: string | null;
}

/** Fields missing, of the wrong JSON type, or longer than allowed; `fields` as the rule states them. */
export async function fieldProblems(
  q: Queryable,
  fields: { name: string; type: string; required?: boolean; maxLength?: number }[],
  limit: number,
): Promise<FieldRow[]> {
  return (
    await q.query<FieldRow>(
      `WITH f AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(name text, type text, required boolean, "maxLength" int)),
       p AS (
         SELECT s.seq, s.fid, s.pt, s.geom, f.name, f.type, f."maxLength" AS maxlen, s.props->f.name AS v,
                CASE
                  WHEN s.props->f.name IS NULL OR jsonb_typeof(s.props->f.name) = 'null'
                       OR (jsonb_typeof(s.props->f.name) = 'string' AND btrim(s.props->>f.name) = '')
                    THEN CASE WHEN f.required THEN 'missing' END
                  WHEN f.type = 'text' AND jsonb_typeof(s.props->f.name) <> 'string' THEN 'type'
                  WHEN f.type IN ('number', 'integer') AND jsonb_typeof(s.props->f.name) <> 'number' THEN 'type'
                  WHEN f.type = 'integer' AND (s.props->>f.name)::numeric <> trunc((s.props->>f.name)::numeric) THEN 'type'
                  WHEN f."maxLength" IS NOT NULL AND char_length(s.props->>f.name) > f."maxLength" THEN 'length'
                END AS problem
           FROM ${SUBJECT} s CROSS JOIN f)
       SELECT fid, name, type, maxlen, problem, v #>> '{}' AS value, jsonb_typeof(v) AS vtype, ${located('pt', 'geom')}
         FROM p WHERE problem IS NOT NULL ORDER BY seq, name LIMIT $2`,
      [JSON.stringify(fields), limit],
    )
  ).rows;
}

export interface ValueRow extends Located {
  fid: string;
  value: string;
}

/**
 * Features whose `field` holds a value (text or number) not in `codes`; with `prefix`, only its
 * first `prefix` characters are looked up (坐落单位代码 begins with the 6-digit 行政区划代码).
 * Empty values are the fields rule's business.
 */
export async function codeListProblems(
  q: Queryable,
  field: string,
  codes: string[],
  prefix: number | null,
  limit: number,
): Promise<ValueRow[]> {
  return (
    await q.query<ValueRow>(
      `SELECT fid, props->>$1 AS value, ${located('pt', 'geom')}
         FROM ${SUBJECT}
        WHERE jsonb_typeof(props->$1) IN ('string', 'number') AND btrim(props->>$1) <> ''
          AND NOT (CASE WHEN $3::int IS NULL THEN props->>$1 ELSE left(props->>$1, $3::int) END = ANY ($2::text[]))
        ORDER BY seq LIMIT $4`,
      [field, codes, prefix, limit],
    )
  ).rows;
}

export interface DuplicateRow extends ValueRow {
  n: number;
  fids: string[];
}

/** Every feature whose `field` value another feature also has. */
export async function duplicates(q: Queryable, field: string, limit: number): Promise<DuplicateRow[]> {
  return (
    await q.query<DuplicateRow>(
      `SELECT fid, value, n, fids, ${located('pt', 'geom')}
         FROM (SELECT seq, fid, pt, geom, props->>$1 AS value,
                      count(*) OVER (PARTITION BY props->>$1)::int AS n,
                      (array_agg(fid) OVER (PARTITION BY props->>$1 ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))[1:5] AS fids
                 FROM ${SUBJECT} WHERE coalesce(btrim(props->>$1), '') <> '') d
        WHERE n > 1 ORDER BY seq LIMIT $2`,
      [field, limit],
    )
  ).rows;
}

export interface InvalidRow extends Located {
  fid: string;
  empty: boolean;
  reason: string | null;
}

/** Features without geometry, or whose geometry GEOS finds invalid (self-intersection, bad ring). */
export async function invalidGeometries(q: Queryable, limit: number): Promise<InvalidRow[]> {
  return (
    await q.query<InvalidRow>(
      `SELECT fid, geom IS NULL AS empty, reason, ${located('pt', 'geom')}
         FROM ${SUBJECT} WHERE NOT valid ORDER BY seq LIMIT $1`,
      [limit],
    )
  ).rows;
}

export interface OverlapRow extends Located {
  fid: string;
  other: string;
  m2: number;
}

/**
 * Pairs of features whose interiors share more than `minM2` (ellipsoidal m²). '2********' asks
 * GEOS whether the interiors meet in an area, so neighbours sharing an edge are never computed.
 */
export async function overlaps(q: Queryable, minM2: number, limit: number): Promise<OverlapRow[]> {
  return (
    await q.query<OverlapRow>(
      `SELECT fid, other, m2, ${located('ST_PointOnSurface(i)', 'i')}
         FROM (SELECT a.seq AS sa, b.seq AS sb, a.fid, b.fid AS other, i, onemap_area(i) AS m2
                 FROM ${SUBJECT} a JOIN ${SUBJECT} b ON a.seq < b.seq AND a.geom && b.geom
                 CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS i) x
                WHERE a.valid AND b.valid AND ST_Relate(a.geom, b.geom, '2********')) o
        WHERE m2 > $1 ORDER BY sa, sb LIMIT $2`,
      [minM2, limit],
    )
  ).rows;
}

export interface GapRow extends Located {
  fid: string;
  props: Record<string, unknown>;
  m2: number;
  pieces: number;
}

/**
 * Parts of the reference features (version `refVersion` of layer `refId`) the subject does not
 * cover, per reference feature, keeping pieces over `minM2`. Only reference features the subject
 * reaches into are asked: a county's 图斑 are not expected to cover the neighbouring county.
 */
export async function gaps(q: Queryable, refId: number, refVersion: number, minM2: number, limit: number): Promise<GapRow[]> {
  return (
    await q.query<GapRow>(
      `WITH t AS (
         SELECT r.id, r.fid, r.props, r.geom FROM feature r
          WHERE ${aliveIn('r', '$1', '$2')}
            AND EXISTS (SELECT 1 FROM ${SUBJECT} s WHERE s.valid AND s.geom && r.geom AND ST_Relate(s.geom, r.geom, '2********'))
       ), g AS (
         SELECT t.id, t.fid, t.props,
                ST_CollectionExtract(ST_Difference(t.geom,
                  coalesce((SELECT ST_Union(s.geom) FROM ${SUBJECT} s WHERE s.valid AND s.geom && t.geom), 'SRID=4490;POLYGON EMPTY'::geometry)), 3) AS gap
           FROM t
       ), p AS (
         SELECT id, fid, props, d.geom AS piece FROM g CROSS JOIN LATERAL ST_Dump(g.gap) d
       ), big AS (
         SELECT id, fid, props, ST_Collect(piece) AS gap, sum(onemap_area(piece)) AS m2, count(*)::int AS pieces
           -- A sliver under about 2 mm wide is not a gap: the 图斑 and the 行政区 drew the same line with
           -- different vertices, which in lon/lat leaves a hair-thin gap (a 200 m edge bent 0.45 mm
           -- gives 0.05 m²). The negative buffer of 1e-8° (≈1 mm, the tolerance the version diff also
           -- uses, decision 0001) removes those and keeps every gap a surveyor could draw.
           FROM p WHERE onemap_area(piece) > $3 AND NOT ST_IsEmpty(ST_Buffer(piece, -1e-8)) GROUP BY id, fid, props
       )
       SELECT fid, props, m2, pieces, ${located('ST_PointOnSurface(gap)', 'gap')} FROM big ORDER BY id LIMIT $4`,
      [refId, refVersion, minM2, limit],
    )
  ).rows;
}

export interface OutsideRow extends Located {
  fid: string;
  m2: number;
}

/** Parts of each subject feature outside the union of the reference features, over `minM2`. */
export async function outside(q: Queryable, refId: number, refVersion: number, minM2: number, limit: number): Promise<OutsideRow[]> {
  return (
    await q.query<OutsideRow>(
      `SELECT fid, m2, ${located('ST_PointOnSurface(o)', 'o')}
         FROM (SELECT seq, fid, o, onemap_area(o) AS m2
                 FROM (SELECT s.seq, s.fid,
                              ST_CollectionExtract(ST_Difference(s.geom,
                                coalesce((SELECT ST_Union(r.geom) FROM feature r WHERE ${aliveIn('r', '$1', '$2')} AND r.geom && s.geom),
                                         'SRID=4490;POLYGON EMPTY'::geometry)), 3) AS o
                         FROM ${SUBJECT} s WHERE s.valid) x) y
        WHERE m2 > $3 ORDER BY seq LIMIT $4`,
      [refId, refVersion, minM2, limit],
    )
  ).rows;
}

export interface AreaRow extends Located {
  fid: string;
  declared: number;
  computed: number;
}

/**
 * The ellipsoidal area of a lon/lat polygon from its planar area in square degrees: the area
 * element on the CGCS2000 ellipsoid (GRS80: a = 6378137 m, e² = 0.00669438002290) is
 * M·N·cos φ dφ dλ, and taken at the centroid's latitude it integrates the region bounded by
 * lon/lat-straight edges (the region onemap_area measures, decision 0011) up to a second-order term
 * ≈ ½·|k''/k|·var(φ) ≤ 3e-7 of the area for a polygon under 0.05° tall. The densified geodesic
 * edges onemap_area takes differ from the lon/lat chords by ≤ 9.5e-7 m² per metre of edge
 * (decision 0011). Hence |onemap_area − estimate| ≤ 1e-5·area + 1e-5·perimeter + 0.001 m², the
 * bound the declared-area screen works with.
 */
const ELLIPSOIDAL_ESTIMATE = `ST_Area(geom) * (pi() / 180) ^ 2 * 6378137.0 ^ 2 * (1 - 0.00669438002290)
    / (1 - 0.00669438002290 * sin(radians(lat)) ^ 2) ^ 2 * cos(radians(lat))`;

/**
 * Features whose declared area (`field`, m²) differs from the ellipsoidal area (CGCS2000 through
 * geography, as 三调 computes TBMJ) by more than max(toleranceM2, tolerancePercent % of it).
 *
 * onemap_area costs ≈ 20 µs a polygon (10 s at 500,000 图斑, bench:qc); the estimate above costs
 * ≈ 1 µs. A feature whose declared area is within the tolerance by more than twice the estimate's
 * error bound is within it for the exact area too, and is not measured again; every other one
 * (the errors, those near the tolerance, any polygon over 0.05° tall) is measured with
 * onemap_area, which decides and gives the value reported. Same answers, a twentieth of the work.
 */
export async function declaredAreas(
  q: Queryable,
  field: string,
  toleranceM2: number,
  tolerancePercent: number,
  limit: number,
): Promise<AreaRow[]> {
  return (
    await q.query<AreaRow>(
      `SELECT fid, declared, computed, ${located('pt', 'geom')}
         FROM (SELECT seq, fid, pt, geom, declared, onemap_area(geom) AS computed
                 FROM (SELECT seq, fid, pt, geom, declared, estimate, narrow,
                              2 * (1e-5 * estimate + 1e-5 * 111700 * ST_Perimeter(geom) + 0.001) AS margin
                         FROM (SELECT seq, fid, pt, geom, declared, narrow, ${ELLIPSOIDAL_ESTIMATE} AS estimate
                                 FROM (SELECT seq, fid, pt, geom, ST_Y(ST_Centroid(geom)) AS lat,
                                              ST_YMax(geom) - ST_YMin(geom) <= 0.05 AS narrow,
                                              CASE WHEN jsonb_typeof(props->$1) = 'number' THEN (props->>$1)::float8 END AS declared
                                         FROM ${SUBJECT} WHERE valid AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')) a
                                WHERE declared IS NOT NULL) b
                       -- OFFSET 0 keeps each sub-select as it is: pulled up, its expressions would be
                       -- computed once per use (onemap_area three times a row).
                       OFFSET 0) c
                WHERE NOT narrow OR abs(declared - estimate) > greatest($2::float8, estimate * $3::float8 / 100) - margin
               OFFSET 0) d
        WHERE abs(declared - computed) > greatest($2::float8, computed * $3::float8 / 100)
        ORDER BY seq LIMIT $4`,
      [field, toleranceM2, tolerancePercent, limit],
    )
  ).rows;
}

export interface BalanceRow extends Located {
  fid: string;
  result: string;
  minuend: string;
  subtrahend: string;
}

/** Features where result ≠ minuend − subtrahend (TBDLMJ = TBMJ − KCMJ) beyond `tolerance`; exact decimals. */
export async function unbalanced(
  q: Queryable,
  f: { result: string; minuend: string; subtrahend: string },
  tolerance: number,
  limit: number,
): Promise<BalanceRow[]> {
  const num = (p: string) => `CASE WHEN jsonb_typeof(props->${p}) = 'number' THEN (props->>${p})::numeric END`;
  return (
    await q.query<BalanceRow>(
      `SELECT fid, r::text AS result, m::text AS minuend, coalesce(s, 0)::text AS subtrahend, ${located('pt', 'geom')}
         FROM (SELECT seq, fid, pt, geom, ${num('$1')} AS r, ${num('$2')} AS m, ${num('$3')} AS s,
                      props->$3 IS NULL OR jsonb_typeof(props->$3) IN ('null', 'number') AS s_ok
                 FROM ${SUBJECT}) a
        WHERE r IS NOT NULL AND m IS NOT NULL AND s_ok AND abs(r - (m - coalesce(s, 0))) > $4::numeric
        ORDER BY seq LIMIT $5`,
      [f.result, f.minuend, f.subtrahend, tolerance, limit],
    )
  ).rows;
}

/** The district (code, name) each point lies in, by index into `points`; points in none are absent. */
export async function districtsAt(
  q: Queryable,
  d: DistrictLayer,
  points: [number, number][],
): Promise<Map<number, { code: string; name: string }>> {
  if (points.length === 0) return new Map();
  const r = await q.query<{ i: number; code: string; name: string }>(
    `SELECT p.i::int AS i, ad.code, ad.name
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
       CROSS JOIN LATERAL (SELECT code, name FROM ${activeDistricts(d)} ad
                            WHERE ST_Covers(ad.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490)) LIMIT 1) ad`,
    [points.map((p) => p[0]), points.map((p) => p[1])],
  );
  return new Map(r.rows.map((x) => [x.i - 1, { code: x.code, name: x.name }]));
}
