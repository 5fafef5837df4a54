// SQL for reading history: version lists, "as of" lookups, version diffs (对比分析) and a version's extent.
import type { Queryable } from '../db/index.ts';
import { aliveAt, aliveIn, withinDistricts } from './fragments.repository.ts';
import type { DistrictLayer } from '../config.ts';

export interface VersionRow {
  version: number;
  created_at: Date;
  valid_from: Date;
  source_path: string | null;
  source_format: string | null;
  source_srid: number | null;
  feature_count: number;
  area_m2: number | null;
  planar_m2: number | null;
  added: number;
  removed: number;
  changed: number;
  created_by: string | null;
  note: string | null;
}

export async function versions(db: Queryable, layerId: number): Promise<VersionRow[]> {
  return (
    await db.query<VersionRow>(
      `SELECT version, created_at, valid_from, source_path, source_format, source_srid, feature_count, area_m2, planar_m2,
              added, removed, changed, created_by, note
         FROM layer_version WHERE layer_id = $1 ORDER BY version`,
      [layerId],
    )
  ).rows;
}

/** The version in force at a moment: the newest whose valid_from is not after it. */
export async function versionAsOf(db: Queryable, layerId: number, at: Date): Promise<number | null> {
  const r = await db.query<{ version: number }>(
    `SELECT version FROM layer_version WHERE layer_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC, version DESC LIMIT 1`,
    [layerId, at.toISOString()],
  );
  return r.rows[0]?.version ?? null;
}

export interface DiffRow {
  status: 'added' | 'removed' | 'changed';
  fid: string;
  area_before: number | null;
  area_after: number | null;
  geometry_changed: boolean;
  props_before: Record<string, unknown> | null;
  props_after: Record<string, unknown> | null;
}

/** Features that differ between two versions, matched by feature id. Unchanged rows are shared. */
export async function diff(db: Queryable, layerId: number, a: number, b: number): Promise<DiffRow[]> {
  return (
    await db.query<DiffRow>(
      `WITH va AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')}),
            vb AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$3')})
       SELECT CASE WHEN va.id IS NULL THEN 'added' WHEN vb.id IS NULL THEN 'removed' ELSE 'changed' END AS status,
              coalesce(va.fid, vb.fid) AS fid, va.area_m2 AS area_before, vb.area_m2 AS area_after,
              (va.id IS NOT NULL AND vb.id IS NOT NULL AND NOT ST_Equals(va.geom, vb.geom)) AS geometry_changed,
              va.props AS props_before, vb.props AS props_after
         FROM va FULL JOIN vb ON va.fid = vb.fid
        WHERE va.id IS DISTINCT FROM vb.id
        ORDER BY 1, 2`,
      [layerId, a, b],
    )
  ).rows;
}

export interface FeatureOut {
  id: number;
  fid: string;
  props: Record<string, unknown>;
  area_m2: number | null;
  planar_m2: number | null;
}

/** Features of one version, in id order, a page at a time (exports stream through this). */
export async function featurePage(
  db: Queryable,
  layerId: number,
  v: number,
  afterId: number,
  limit: number,
  geomSql = 'ST_AsGeoJSON(f.geom, 9)',
): Promise<(FeatureOut & { g: unknown })[]> {
  return (
    await db.query<FeatureOut & { g: unknown }>(
      `SELECT f.id, f.fid, f.props, ${geomSql} AS g, f.area_m2, f.planar_m2
         FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND f.id > $3 ORDER BY f.id LIMIT $4`,
      [layerId, v, afterId, limit],
    )
  ).rows;
}

/** [minLon, minLat, maxLon, maxLat], EPSG:4490. */
export type Bounds = [number, number, number, number];

/**
 * Bounding box of the features of version `version` of a layer — only of those inside the given
 * districts when a reader is limited to them — or null when there are none. The one extent query of
 * the store: TileJSON bounds (tiles) and collection extents (OGC API) use it.
 */
export async function versionExtent(
  db: Queryable,
  layerId: number,
  version: number,
  within?: { codes: string[]; layer: DistrictLayer } | null,
): Promise<Bounds | null> {
  const filter = within ? `AND ${withinDistricts('f.geom', 3, within.layer)}` : '';
  const r = await db.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
       FROM (SELECT ST_Extent(f.geom)::geometry AS e FROM feature f WHERE ${aliveIn('f', '$1::int', '$2::int')} ${filter}) s`,
    within ? [layerId, version, within.codes] : [layerId, version],
  );
  // Aggregates: one row always; none would be a lost result, not "no features".
  if (r.rows.length !== 1) throw new Error(`versionExtent: expected one row, got ${r.rows.length}`);
  const e = r.rows[0];
  return e.xmin === null ? null : [e.xmin, e.ymin, e.xmax, e.ymax];
}
