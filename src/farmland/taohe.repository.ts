// SQL of 多田套合 (domain.md §7): the overlay of 永久基本农田 (Y), 高标准农田 (G) and 粮食生产功能区 (L).
//
// How it stays fast on a city of a million features (bench/taohe.ts measures it against the naive
// overlay of the three whole layers):
// - Y is read piece by piece (small patches whole, big ones as their ≤256-vertex pieces, see
//   feature_piece in migration 001); every piece carries a key k, its ellipsoidal area and district.
// - G and L are joined to the Y pieces through Y's GiST index, the big polygon on the outer side so
//   PostGIS keeps it prepared across the inner rows (ST_Intersects is then a few µs).
// - Each candidate pair is clipped once (ST_Intersection on a small Y piece is cheap: GEOS clips the
//   big polygon to the piece's envelope first). The clip tells at the same time whether the piece
//   is covered whole — its planar area equals the piece's — which is the common case (a patch inside
//   a high-standard project): no union, no second overlay, the stored area is used.
//   (ST_Covers would be twice as slow here: a piece sharing edges with the project boundary makes
//   GEOS fall back from the prepared test to a full relate.)
// - Only pieces cut by a boundary get their parts unioned (several overlapping projects) and the
//   G part intersected with the L part.
// Areas are ellipsoidal (geography) and summed per piece: that equals the area of the union because
// 保护图斑 do not overlap one another (a patch is one parcel of land; the import keeps fids unique).
// Layer ids and versions are catalogue integers written as literals so the planner prunes the
// feature partitions at plan time (as review.repository.ts does).
//
// Robustness: GEOS may fail on nearly coincident boundaries. On PostgreSQL that is an error; in
// PostGIS on WASM (PGlite) the whole result silently disappears (docs/decisions/0004). So every
// statement here returns its rows as one JSON value (allRows, src/db/geos.repository.ts): no row at
// all means a lost result, and the service runs the statement again in fixed precision (grid,
// snap-rounding: robust, about three times slower), see withFallback in taohe.ts.
import type { Queryable } from '../db/index.ts';
import { allRows } from '../db/geos.repository.ts';
import { aliveAt, aliveIn } from '../store/fragments.repository.ts';

/**
 * Overlay functions, in floating precision (grid null) or snapped to a grid in degrees. 1e-9° is
 * about 0.1 mm: far below survey precision, so the areas agree with the floating result.
 */
export function overlay(grid: number | null) {
  const g = grid === null ? '' : `, ${Number(grid)}`;
  return {
    inter: (a: string, b: string) => `ST_Intersection(${a}, ${b}${g})`,
    diff: (a: string, b: string) => `ST_Difference(${a}, ${b}${g})`,
    union: (x: string) => `ST_Union(${x}${g})`,
    unary: (x: string) => `ST_UnaryUnion(${x}${g})`,
  };
}
export type Overlay = ReturnType<typeof overlay>;

export interface LayerRef {
  id: number;
  version: number;
}

/** The district layer's active version, with the fields that hold a district's code and name (config.districts). */
export interface DistrictRef extends LayerRef {
  code: string;
  codeField: string;
  nameField: string;
}

/**
 * Which patches a statement of missing or changed land returns: in the districts of xzq with the
 * known codes ($1), of at least minM2 ($2); grid: floating precision or a precision grid (overlay()).
 */
export interface PatchQuery {
  xzq: DistrictRef | null;
  codes: string[];
  minM2: number;
  grid: number | null;
}

export const alive = (t: string, l: LayerRef) => aliveIn(t, String(Number(l.id)), String(Number(l.version)));

/**
 * The district of a feature: its 坐落单位代码 (三调 ZLDWDM starts with the GB/T 2260 county code)
 * when that names a known district ($codes), otherwise the district polygon under a point on its
 * surface. CASE evaluates the spatial look-up only when the attribute does not answer.
 */
export function districtOf(props: string, geom: string, xzq: DistrictRef | null, codes: string): string {
  return `CASE WHEN left(${props}->>'ZLDWDM', 6) = ANY(${codes}::text[]) THEN left(${props}->>'ZLDWDM', 6) ELSE ${spatialDistrict(`ST_PointOnSurface(${geom})`, xzq)} END`;
}

export function spatialDistrict(pt: string, xzq: DistrictRef | null): string {
  return xzq
    ? `(SELECT d.props->>'${xzq.codeField}' FROM feature d WHERE ${alive('d', xzq)} AND d.geom && ${pt} AND ST_Intersects(d.geom, ${pt}) LIMIT 1)`
    : 'NULL::text';
}

/** Y pieces: key, geometry, ellipsoidal area (stored at import for whole patches), district. */
const yPieces = (y: LayerRef, xzq: DistrictRef | null, withGeom: boolean) => `
   SELECT f.id::text AS k, f.id AS feature_id, ${withGeom ? 'f.geom, ' : ''}f.area_m2 AS a, ${districtOf('f.props', 'f.geom', xzq, '$1')} AS d
     FROM feature f WHERE ${alive('f', y)} AND f.npoints <= 256
   UNION ALL
   SELECT p.feature_id || ':' || p.ctid, p.feature_id, ${withGeom ? 'p.geom, ' : ''}onemap_area(p.geom), ${districtOf('f.props', 'p.geom', xzq, '$1')}
     FROM feature_part p JOIN feature f ON f.layer_id = p.layer_id AND f.id = p.feature_id WHERE ${alive('p', y)}`;

/**
 * Every (Y piece, other-layer piece) pair that intersects: the clipped part and whether it is
 * the whole Y piece. The Y side is read through its own GiST indexes (feature and feature_part).
 */
const pairs = (other: LayerRef, y: LayerRef, o: Overlay) => `
   SELECT x.k, ST_Area(c.part) >= ST_Area(x.geom) * (1 - 1e-9) AS cov, c.part
     FROM feature_piece op
     CROSS JOIN LATERAL (
       SELECT f.id::text AS k, f.geom FROM feature f WHERE ${alive('f', y)} AND f.npoints <= 256 AND f.geom && op.geom
       UNION ALL
       SELECT p.feature_id || ':' || p.ctid, p.geom FROM feature_part p WHERE ${alive('p', y)} AND p.geom && op.geom) x
     CROSS JOIN LATERAL (SELECT ST_CollectionExtract(${o.inter('x.geom', 'op.geom')}, 3) AS part OFFSET 0) c
    WHERE ${alive('op', other)} AND ST_Intersects(op.geom, x.geom)`;

/** Per Y piece: covered whole by G / by L, or the union of the parts covered. */
const perPiece = (y: LayerRef, g: LayerRef, l: LayerRef, xzq: DistrictRef | null, withGeom: boolean, o: Overlay) => `
   y AS (${yPieces(y, xzq, withGeom)}),
   gp AS (${pairs(g, y, o)}),
   lp AS (${pairs(l, y, o)}),
   u AS (
     SELECT k, feature_id, ${withGeom ? 'geom, ' : ''}a, d, NULL::boolean AS gc, NULL::geometry AS gpart, NULL::boolean AS lc, NULL::geometry AS lpart FROM y
     UNION ALL SELECT k, NULL, ${withGeom ? 'NULL, ' : ''}NULL, NULL, cov, part, NULL, NULL FROM gp
     UNION ALL SELECT k, NULL, ${withGeom ? 'NULL, ' : ''}NULL, NULL, NULL, NULL, cov, part FROM lp),
   z AS (
     SELECT k, max(feature_id) AS feature_id, ${withGeom ? '(array_agg(geom) FILTER (WHERE geom IS NOT NULL))[1] AS geom, ' : ''}max(a) AS a, max(d) AS d,
            coalesce(bool_or(gc), false) AS gc, coalesce(bool_or(lc), false) AS lc,
            ${o.union('gpart')} FILTER (WHERE gc = false AND NOT ST_IsEmpty(gpart)) AS gpart,
            ${o.union('lpart')} FILTER (WHERE lc = false AND NOT ST_IsEmpty(lpart)) AS lpart
       FROM u GROUP BY k)`;

export interface TaoheAreaRow {
  district: string | null;
  pieces: number;
  yjjbnt_m2: number;
  coincide_m2: number;
  gbznt_m2: number;
  lsscgnq_m2: number;
}

/** 多田套合 by district, one statement ($1 = the known district codes); grid: see overlay(). */
export async function taoheAreas(
  q: Queryable,
  y: LayerRef,
  g: LayerRef,
  l: LayerRef,
  xzq: DistrictRef | null,
  codes: string[],
  grid: number | null = null,
): Promise<TaoheAreaRow[]> {
  const o = overlay(grid);
  return allRows<TaoheAreaRow>(
    q,
    '多田套合面积',
    `WITH ${perPiece(y, g, l, xzq, false, o)},
     w AS (
       SELECT d, a, gc, lc, gpart, lpart,
              CASE WHEN gc THEN a WHEN gpart IS NULL THEN 0 ELSE onemap_area(gpart) END AS ga,
              CASE WHEN lc THEN a WHEN lpart IS NULL THEN 0 ELSE onemap_area(lpart) END AS la
         FROM z)
     SELECT d AS district, count(*)::int AS pieces, sum(a) AS yjjbnt_m2, sum(ga) AS gbznt_m2, sum(la) AS lsscgnq_m2,
            sum(CASE WHEN gc AND lc THEN a WHEN gc THEN la WHEN lc THEN ga WHEN gpart IS NULL OR lpart IS NULL THEN 0
                     ELSE coalesce(onemap_area(${o.inter('gpart', 'lpart')}), 0) END) AS coincide_m2
       FROM w GROUP BY d ORDER BY d`,
    [codes],
  );
}

/**
 * The baseline the benchmark compares with: the naive overlay in one statement — each layer's
 * features unioned city-wide, then the two intersections of the three unions.
 */
export async function taoheNaive(q: Queryable, y: LayerRef, g: LayerRef, l: LayerRef): Promise<{ yjjbnt_m2: number; coincide_m2: number }> {
  const u = (ref: LayerRef) => `(SELECT ST_Union(f.geom) AS g FROM feature f WHERE ${alive('f', ref)})`;
  return (
    await q.query<{ yjjbnt_m2: number; coincide_m2: number }>(
      `SELECT onemap_area(y.g) AS yjjbnt_m2, coalesce(onemap_area(ST_Intersection(ST_Intersection(y.g, gb.g), ls.g)), 0) AS coincide_m2
       FROM ${u(y)} y, ${u(g)} gb, ${u(l)} ls`,
    )
  ).rows[0];
}

export interface MissingRow {
  kind: 'GBZNT' | 'LSSCGNQ' | 'YJJBNT';
  fid: string;
  /** hex WKB, EPSG:4490 */
  wkb: string;
  area_m2: number;
  district: string | null;
}

/** One missing patch per source feature, measured; pieces below $2 m² (slivers) are left out. */
const measuredRows = (parts: string, xzq: DistrictRef | null, o: Overlay) => `
     byf AS (
       SELECT kind, layer_id, feature_id, ST_Multi(ST_CollectionExtract(CASE WHEN count(*) = 1 THEN ST_Collect(m) ELSE ${o.unary('ST_Collect(m)')} END, 3)) AS m
         FROM (${parts}) parts WHERE m IS NOT NULL AND NOT ST_IsEmpty(m) GROUP BY kind, layer_id, feature_id),
     measured AS (SELECT byf.*, onemap_area(m) AS area_m2 FROM byf)
     SELECT m.kind, f.fid, encode(ST_AsBinary(m.m), 'hex') AS wkb, m.area_m2, ${districtOf('f.props', 'm.m', xzq, '$1')} AS district
       FROM measured m JOIN feature f ON f.layer_id = m.layer_id AND f.id = m.feature_id
      WHERE m.area_m2 >= $2 ORDER BY m.kind, f.fid`;

/**
 * Permanent farmland missing from another layer (kind GBZNT: not yet high-standard — where to build
 * 高标准农田 next; kind LSSCGNQ: outside a grain zone), one row per permanent-farmland patch.
 * A piece covered whole, or whose parts add up to it, needs no difference at all: that also keeps
 * GEOS away from differences of coincident polygons, which it handles worst.
 * $1 = known district codes, $2 = minM2.
 */
export async function missingFromY(
  q: Queryable,
  kind: 'GBZNT' | 'LSSCGNQ',
  y: LayerRef,
  other: LayerRef,
  p: PatchQuery,
): Promise<MissingRow[]> {
  const o = overlay(p.grid);
  return allRows<MissingRow>(
    q,
    `多田套合缺失图斑（${kind}）`,
    `WITH y AS (${yPieces(y, p.xzq, true)}),
     p AS (${pairs(other, y, o)}),
     z AS (
       SELECT y.k, y.feature_id, (array_agg(y.geom))[1] AS geom, coalesce(bool_or(p.cov), false) AS cov, ${o.union('p.part')} FILTER (WHERE NOT p.cov AND NOT ST_IsEmpty(p.part)) AS part
         FROM y LEFT JOIN p ON p.k = y.k GROUP BY y.k, y.feature_id),
     r AS MATERIALIZED (
       SELECT '${kind}' AS kind, ${Number(y.id)} AS layer_id, feature_id,
              CASE WHEN cov THEN NULL WHEN part IS NULL THEN geom WHEN ST_Area(part) >= ST_Area(geom) * (1 - 1e-9) THEN NULL
                   ELSE ST_CollectionExtract(${o.diff('geom', 'part')}, 3) END AS m
         FROM z),
     ${measuredRows('SELECT * FROM r', p.xzq, o)}`,
    [p.codes, p.minM2],
  );
}

/**
 * Land that is both high-standard farmland and grain zone but not permanent farmland (kind
 * YJJBNT: candidates for 永农储备/补划), one row per high-standard project. The permanent-farmland
 * pieces inside each G∩L part are measured first: a part they cover needs no difference.
 */
export async function missingOutsideY(q: Queryable, y: LayerRef, g: LayerRef, l: LayerRef, p: PatchQuery): Promise<MissingRow[]> {
  const o = overlay(p.grid);
  // The permanent-farmland pieces meeting a geometry, through Y's own GiST indexes.
  const yIn = (m: string) => `
    SELECT f.geom FROM feature f WHERE ${alive('f', y)} AND f.npoints <= 256 AND f.geom && ${m} AND ST_Intersects(f.geom, ${m})
    UNION ALL
    SELECT p.geom FROM feature_part p WHERE ${alive('p', y)} AND p.geom && ${m} AND ST_Intersects(p.geom, ${m})`;
  return allRows<MissingRow>(
    q,
    '多田套合缺失图斑（YJJBNT）',
    `WITH gl AS MATERIALIZED (
       SELECT row_number() OVER () AS k, feature_id, m FROM (
         SELECT gg.feature_id, ST_CollectionExtract(${o.inter('gg.geom', 'll.geom')}, 3) AS m
           FROM feature_piece gg JOIN feature_piece ll ON ll.geom && gg.geom AND ${alive('ll', l)}
          WHERE ${alive('gg', g)} AND ST_Intersects(gg.geom, ll.geom)) x
        WHERE NOT ST_IsEmpty(m)),
     r AS MATERIALIZED (
       SELECT 'YJJBNT' AS kind, ${Number(g.id)} AS layer_id, gl.feature_id,
              CASE WHEN c.a IS NULL THEN gl.m WHEN c.a >= ST_Area(gl.m) * (1 - 1e-9) THEN NULL
                   ELSE ST_CollectionExtract(${o.diff('gl.m', `(SELECT ${o.union('yy.geom')} FROM (${yIn('gl.m')}) yy)`)}, 3) END AS m
         FROM gl CROSS JOIN LATERAL (SELECT sum(ST_Area(ST_CollectionExtract(${o.inter('gl.m', 'yy.geom')}, 3))) AS a FROM (${yIn('gl.m')}) yy) c),
     ${measuredRows('SELECT * FROM r', p.xzq, o)}`,
    [p.codes, p.minM2],
  );
}

export async function insertTaoheRun(
  q: Queryable,
  r: {
    versions: unknown;
    yjjbntM2: number;
    coincideM2: number;
    rate: number | null;
    byDistrict: unknown;
    missing: unknown;
    resultLayer: string | null;
    resultVersion: number | null;
    durationMs: number;
    note: string | null;
    user: string;
  },
): Promise<{ id: number; created_at: string }> {
  return (
    await q.query<{ id: number; created_at: string }>(
      `INSERT INTO farmland_taohe_run (versions, yjjbnt_m2, coincide_m2, rate, by_district, missing, result_layer, result_version, duration_ms, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`,
      [
        JSON.stringify(r.versions),
        r.yjjbntM2,
        r.coincideM2,
        r.rate,
        JSON.stringify(r.byDistrict),
        JSON.stringify(r.missing),
        r.resultLayer,
        r.resultVersion,
        r.durationMs,
        r.note,
        r.user,
      ],
    )
  ).rows[0];
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
  note: string | null;
  created_by: string;
  created_at: string;
}

const RUN_COLS = `id, versions, yjjbnt_m2, coincide_m2, rate, by_district, missing, result_layer, result_version, duration_ms, note, created_by,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

export async function taoheRun(q: Queryable, id: number): Promise<TaoheRunRow | null> {
  return (await q.query<TaoheRunRow>(`SELECT ${RUN_COLS} FROM farmland_taohe_run WHERE id = $1`, [id])).rows[0] ?? null;
}

export async function taoheRuns(q: Queryable, limit = 50): Promise<TaoheRunRow[]> {
  return (await q.query<TaoheRunRow>(`SELECT ${RUN_COLS} FROM farmland_taohe_run ORDER BY id DESC LIMIT $1`, [limit])).rows;
}

/** The stored missing patches of a run as a GeoJSON FeatureCollection text (PostgreSQL writes it). */
export async function missingGeoJson(
  q: Queryable,
  layerCode: string,
  version: number,
  kind: string | null,
  districts: string[] | null,
): Promise<string> {
  const r = await q.query<{ fc: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', f.fid, 'properties', f.props, 'geometry', ST_AsGeoJSON(f.geom, 7)::json) ORDER BY f.fid), '[]'::json))::text AS fc
       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = $1
      WHERE ${aliveAt('f', '$2')}
        AND ($3::text IS NULL OR f.props->>'QSTC' = $3) AND ($4::text[] IS NULL OR f.props->>'XZQDM' = ANY($4::text[]))`,
    [layerCode, version, kind, districts],
  );
  return r.rows[0].fc;
}
