// Spatial and cross-module SQL the indicators read (read-only): the layer version in force for a
// year, areas of a layer by district (optionally clipped to another layer), the districts and their
// outlines for the map, the state of the lifecycle ledgers and the access runs of a year.
// Layer ids and versions are catalogue integers written into the statements as literals so the
// planner prunes the feature partitions (as farmland.repository.ts and review.repository.ts do).
import type { Queryable } from '../db/index.ts';
import { allRows } from '../db/geos.repository.ts';
import type { DistrictLayer } from '../config.ts';
import { aliveIn } from '../store/fragments.repository.ts';

export interface LayerRef {
  id: number;
  version: number;
}

const alive = (t: string, l: LayerRef) => aliveIn(t, String(Number(l.id)), String(Number(l.version)));

/**
 * The version of a layer in force for a year: the newest one valid before `before` (a past year's
 * end), or the active version (现势) when `before` is null. Null when the layer is unknown or had none.
 */
export async function layerAt(
  q: Queryable,
  code: string,
  before: Date | null,
): Promise<{ code: string; id: number; version: number; validFrom: string } | null> {
  const r = before
    ? await q.query<{ code: string; id: number; version: number; valid_from: string }>(
        `SELECT l.code, l.id, v.version, to_char(v.valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS valid_from
         FROM layer l JOIN layer_version v ON v.layer_id = l.id
        WHERE l.code = $1 AND v.valid_from < $2 ORDER BY v.valid_from DESC, v.version DESC LIMIT 1`,
        [code, before.toISOString()],
      )
    : await q.query<{ code: string; id: number; version: number; valid_from: string }>(
        `SELECT l.code, l.id, v.version, to_char(v.valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS valid_from
         FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version WHERE l.code = $1`,
        [code],
      );
  const x = r.rows[0];
  return x ? { code: x.code, id: x.id, version: x.version, validFrom: x.valid_from } : null;
}

// The district layer's code and name fields come from the configuration (config.districts, checked
// as identifiers at start); XZQDM / XZQMC by default.
const code = (field: string, t: string) => `${t}.props->>'${field}'`;
const name = (d: DistrictLayer, t: string) => `coalesce(${t}.props->>'${d.nameField}', ${t}.props->>'${d.codeField}')`;

/** Districts of a version of the district layer: GB/T 2260 code and name. */
export async function districts(q: Queryable, d: DistrictLayer, xzq: LayerRef): Promise<{ code: string; name: string }[]> {
  return (
    await q.query<{ code: string; name: string }>(
      `SELECT DISTINCT ${code(d.codeField, 'f')} AS code, ${name(d, 'f')} AS name
       FROM feature f WHERE ${alive('f', xzq)} AND ${code(d.codeField, 'f')} ~ '^[0-9]{6}$' ORDER BY 1`,
    )
  ).rows;
}

/** District outlines as GeoJSON geometries (RFC 7946: no crs member), simplified for a city-wide thematic map (~50 m). */
export async function districtOutlines(
  q: Queryable,
  d: DistrictLayer,
  xzq: LayerRef,
): Promise<{ code: string; name: string; g: string }[]> {
  return (
    await q.query<{ code: string; name: string; g: string }>(
      `SELECT ${code(d.codeField, 'f')} AS code, ${name(d, 'f')} AS name,
            ST_AsGeoJSON(ST_SimplifyPreserveTopology(f.geom, 0.0005), 6, 0) AS g
       FROM feature f WHERE ${alive('f', xzq)} AND ${code(d.codeField, 'f')} ~ '^[0-9]{6}$' ORDER BY 1`,
    )
  ).rows;
}

/** A version of the district layer with the field its district codes are in. */
export interface DistrictsRef extends LayerRef {
  codeField: string;
}

export interface AreaFilter {
  field?: string;
  codes?: string[];
  prefixes?: string[];
}

export interface DistrictArea {
  district: string | null;
  features: number;
  area_m2: number;
}

/**
 * Ellipsoidal area of a layer version by district, optionally only features whose `field` is one of
 * `codes` or starts with one of `prefixes`, and optionally clipped to the union of another layer
 * (`within`, e.g. the urban development boundary). A feature belongs to the district of its
 * 坐落单位代码 (ZLDWDM, 三调) when that names a known district, otherwise to the district containing a
 * point on its surface (survey patches are split at district boundaries, so nothing is cut twice).
 * Clipping reads the within layer's subdivided pieces and builds geometry only where a feature is
 * not wholly covered; CASE evaluates the sub-query lazily.
 */
export async function areaByDistrict(
  q: Queryable,
  layer: LayerRef,
  f: AreaFilter,
  within: LayerRef | null,
  xzq: DistrictsRef | null,
  codes: string[],
  grid: number | null = null,
): Promise<DistrictArea[]> {
  const g = grid === null ? '' : `, ${Number(grid)}`;
  const params: unknown[] = [codes];
  let where = '';
  if (f.field) {
    params.push(f.field, f.codes ?? [], f.prefixes ?? []);
    where = `AND (x.props->>$2 = ANY($3::text[]) OR EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(x.props->>$2, p)))`;
  }
  const spatial = xzq
    ? `(SELECT ${code(xzq.codeField, 'd')} FROM feature d WHERE ${alive('d', xzq)} AND d.geom && ST_PointOnSurface(x.geom) AND ST_Intersects(d.geom, ST_PointOnSurface(x.geom)) LIMIT 1)`
    : 'NULL::text';
  const inside = within
    ? `CASE WHEN c.covered THEN f.a WHEN c.n = 0 THEN 0
            ELSE coalesce((SELECT onemap_area(ST_Intersection(f.geom, ST_Union(p.geom${g})${g})) FROM feature_piece p
                            WHERE ${alive('p', within)} AND p.geom && f.geom AND ST_Intersects(p.geom, f.geom)), 0) END`
    : 'f.a';
  const cover = within
    ? `CROSS JOIN LATERAL (SELECT coalesce(bool_or(ST_Covers(p.geom, f.geom)), false) AS covered, count(*) AS n FROM feature_piece p WHERE ${alive('p', within)} AND p.geom && f.geom) c`
    : '';
  const sql = `WITH f AS MATERIALIZED (
       SELECT x.geom, coalesce(x.area_m2, onemap_area(x.geom)) AS a,
              CASE WHEN left(x.props->>'ZLDWDM', 6) = ANY($1::text[]) THEN left(x.props->>'ZLDWDM', 6) ELSE ${spatial} END AS district
         FROM feature x WHERE ${alive('x', layer)} ${where}),
     s AS (SELECT f.district, ${inside} AS inside FROM f ${cover})
     SELECT district, count(*) FILTER (WHERE inside > 0)::int AS features, coalesce(sum(inside), 0)::float8 AS area_m2
       FROM s GROUP BY district ORDER BY district`;
  return allRows<DistrictArea>(q, 'area by district', sql, params);
}

/** The lifecycle ledgers' state: the last land event and case rows, recorded with ledger-based values. */
export async function ledgerState(
  q: Queryable,
): Promise<{ landEvents: number; lastEventId: number | null; idleCases: number; inefficientCases: number; batches: number }> {
  const r = (
    await q.query<{ n: number; last: number | null; idle: number; ineff: number; batches: number }>(
      `SELECT (SELECT count(*) FROM land_event)::int AS n, (SELECT max(id) FROM land_event)::int AS last,
            (SELECT count(*) FROM idle_case)::int AS idle, (SELECT count(*) FROM inefficient_case)::int AS ineff, (SELECT count(*) FROM approval_batch)::int AS batches`,
    )
  ).rows[0];
  return { landEvents: r.n, lastEventId: r.last, idleCases: r.idle, inefficientCases: r.ineff, batches: r.batches };
}

/** The newest complete 15-minute coverage run created before `before` (null: the newest of all). */
export async function accessRunBefore(q: Queryable, before: Date | null): Promise<number | null> {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM access_run WHERE seconds IS NOT NULL AND ($1::timestamptz IS NULL OR created_at < $1) ORDER BY created_at DESC, id DESC LIMIT 1`,
    [before ? before.toISOString() : null],
  );
  return r.rows[0]?.id ?? null;
}
