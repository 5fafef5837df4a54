// SQL of the farmland demo data: deterministic picks from the generated layers (md5 of the fid and
// a salt orders them, the same on every PostgreSQL), and what exists already.
import type { Queryable } from '../db/index.ts';
import { aliveAt } from '../store/fragments.repository.ts';

export async function hasFarmlandDemo(q: Queryable): Promise<boolean> {
  return (
    (
      await q.query(
        `SELECT 1 FROM farmland_lot WHERE created_by = 'demo' UNION ALL SELECT 1 FROM farmland_project WHERE created_by = 'demo' LIMIT 1`,
      )
    ).rows.length > 0
  );
}

export interface PickedPatch {
  fid: string;
  district: string;
  /** GeoJSON (EPSG:4490) of a point on the patch */
  point: string;
  /** GeoJSON of a 40 m × 40 m change polygon around that point (remote sensing) */
  polygon: string;
  area_m2: number;
}

/**
 * `n` cultivated 图斑 (DLTB 0101–0103) in a fixed pseudo-random order: where the demo's patrol
 * alerts are. The change polygon is a 40 m square in the patch's Gauss-Krüger zone (a typical
 * 遥感变化图斑 of a new building or a hardened yard).
 */
export async function pickCultivated(q: Queryable, n: number): Promise<PickedPatch[]> {
  return (
    await q.query<PickedPatch>(
      `SELECT f.fid, left(coalesce(f.props->>'ZLDWDM', ''), 6) AS district, ST_AsGeoJSON(ST_PointOnSurface(f.geom), 9) AS point,
            ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(ST_PointOnSurface(f.geom), onemap_planar_srid(f.geom)), 20), 4490), 9) AS polygon, f.area_m2
       FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'DLTB' AND ${aliveAt('f', 'l.active_version')}
      WHERE f.props->>'DLBM' IN ('0101', '0102', '0103')
      ORDER BY md5(f.fid || ':farmland-alert') LIMIT $1`,
      [n],
    )
  ).rows;
}

export interface PickedSite {
  fid: string;
  district: string;
  /** GeoJSON (EPSG:4490): squares of half-side r and r/2 metres around the patch, in its GK zone */
  project: string;
  zone: string;
}

/** `n` permanent-farmland patches in a fixed pseudo-random order, one per district first: project sites. */
export async function pickProjectSites(q: Queryable, n: number, halfSideM: number): Promise<PickedSite[]> {
  return (
    await q.query<PickedSite>(
      `WITH p AS (
       SELECT f.fid, left(coalesce(f.props->>'ZLDWDM', ''), 6) AS district, ST_PointOnSurface(f.geom) AS pt, onemap_planar_srid(f.geom) AS srid,
              row_number() OVER (PARTITION BY left(coalesce(f.props->>'ZLDWDM', ''), 6) ORDER BY md5(f.fid || ':farmland-project')) AS k
         FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'YJJBNT' AND ${aliveAt('f', 'l.active_version')})
     SELECT fid, district,
            ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(pt, srid), $2), 4490), 9) AS project,
            ST_AsGeoJSON(ST_Transform(ST_Expand(ST_Transform(pt, srid), $2 / 2.0), 4490), 9) AS zone
       FROM p WHERE k <= 3 ORDER BY k, md5(fid || ':farmland-project') LIMIT $1`,
      [n, halfSideM],
    )
  ).rows;
}
