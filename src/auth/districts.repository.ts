// All SQL of district scoping (auth/districts.ts): how much of a geometry lies outside a district
// officer's districts, and which district codes the district layer holds. The district layer and
// its fields come from the configuration (config.districts, store/fragments.repository.ts).
import type { Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { activeDistricts, districtUnion } from '../store/fragments.repository.ts';

export interface OutsideRow {
  fid: string;
  /** m² (areas) or m (lines) outside, on the ellipsoid; above any tolerance for points outside; null = no district found. */
  outside: number | null;
}

// The part outside the union `du`, measured on the ellipsoid; a point counts as `pointOutside`
// when it is outside at all (no measure to compare with a tolerance).
const OUTSIDE = (g: string) => `(SELECT CASE WHEN du.geom IS NULL THEN NULL ELSE ST_Difference(${g}, du.geom) END FROM du)`;
const measure = (pointOutside: number) => `CASE WHEN og IS NULL THEN NULL
                      WHEN ST_IsEmpty(og) THEN 0
                      WHEN ST_Dimension(og) = 2 THEN onemap_area(og)
                      WHEN ST_Dimension(og) = 1 THEN ST_Length(og::geography)
                      ELSE ${Number(pointOutside)} END`;

/** Parcels (hex EWKB, EPSG:4490) against the union of districts `codes`. */
export async function parcelsOutside(
  q: Queryable,
  d: DistrictLayer,
  codes: string[],
  parcels: { fid: string; ewkb: string }[],
  pointOutside: number,
): Promise<OutsideRow[]> {
  const r = await q.query<OutsideRow>(
    // MATERIALIZED: the union of the districts once per statement, not once per feature (a CTE
    // referenced once is otherwise inlined into the per-row subquery; issue 22: 581 features took
    // about 11 minutes on the large city).
    `WITH du AS MATERIALIZED ${districtUnion(d, '$1')},
          p AS (SELECT fid, ST_GeomFromEWKB(decode(ewkb, 'hex')) AS g FROM unnest($2::text[], $3::text[]) AS t(fid, ewkb)),
          outside AS (SELECT fid, ${OUTSIDE('p.g')} AS og FROM p)
     SELECT fid, ${measure(pointOutside)} AS outside FROM outside`,
    [codes, parcels.map((p) => p.fid), parcels.map((p) => p.ewkb)],
  );
  return r.rows;
}

/** Features that version `version` of the layer added, changed or removed, against the union of districts `codes`. */
export async function versionChangesOutside(
  q: Queryable,
  d: DistrictLayer,
  codes: string[],
  layerId: number,
  version: number,
  pointOutside: number,
): Promise<OutsideRow[]> {
  const r = await q.query<OutsideRow>(
    `WITH du AS MATERIALIZED ${districtUnion(d, '$1')},
          outside AS (SELECT f.fid, ${OUTSIDE('f.geom')} AS og FROM feature f
                 WHERE f.layer_id = $2 AND (f.v_from = $3 OR f.v_to = $3))
     SELECT fid, ${measure(pointOutside)} AS outside FROM outside`,
    [codes, layerId, version],
  );
  return r.rows;
}

/** The district codes in the district layer's active version (empty when it is not loaded). */
export async function districtCodes(q: Queryable, d: DistrictLayer): Promise<string[]> {
  const r = await q.query<{ code: string }>(
    `SELECT DISTINCT ad.code FROM ${activeDistricts(d)} ad WHERE ad.code IS NOT NULL ORDER BY ad.code`,
  );
  return r.rows.map((x) => x.code);
}
