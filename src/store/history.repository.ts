// SQL for reading history: version lists, "as of" lookups, version diffs (对比分析) and a version's extent.
import type { Queryable } from '../db/index.ts';
import { aliveAt, aliveIn, sameGeometry, withinDistricts } from './fragments.repository.ts';
import type { DistrictLayer } from '../config.ts';

export interface VersionRow {
  version: number;
  created_at: Date;
  valid_from: Date;
  source_path: string | null;
  source_format: string | null;
  source_srid: number | null;
  source_crs: string | null;
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
      `SELECT version, created_at, valid_from, source_path, source_format, source_srid, source_crs, feature_count, area_m2,
              planar_m2, added, removed, changed, created_by, note
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

/**
 * Features that differ between two versions, matched by feature id. Unchanged rows are shared. A
 * geometry counts as changed when it moved by more than the store's tolerance (fragments.repository.ts).
 */
export async function diff(db: Queryable, layerId: number, a: number, b: number): Promise<DiffRow[]> {
  return (
    await db.query<DiffRow>(
      `WITH va AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')}),
            vb AS (SELECT * FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$3')})
       SELECT CASE WHEN va.id IS NULL THEN 'added' WHEN vb.id IS NULL THEN 'removed' ELSE 'changed' END AS status,
              coalesce(va.fid, vb.fid) AS fid, va.area_m2 AS area_before, vb.area_m2 AS area_after,
              (va.id IS NOT NULL AND vb.id IS NOT NULL AND NOT ${sameGeometry('va.geom', 'vb.geom')}) AS geometry_changed,
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

/** A reader's districts: GB/T 2260 codes and the district layer they are looked up in. */
export interface DistrictsWithin {
  codes: string[];
  layer: DistrictLayer;
}

export type ScopedVersionRow = Pick<VersionRow, 'version' | 'feature_count' | 'area_m2' | 'planar_m2' | 'added' | 'removed' | 'changed'>;

/**
 * The figures of each version of a layer (those layer_version stores city-wide) counted only over
 * the features inside the districts: features and area in force at the version, and what the
 * version added, removed and changed there (a change counts when the old or the new row is inside).
 * A version closes the rows it removes or replaces (v_to = version) and opens their successors
 * (v_from = version), as store.repository.ts writes them. One row per version of the layer.
 */
export async function scopedVersions(db: Queryable, layerId: number, within: DistrictsWithin): Promise<ScopedVersionRow[]> {
  const r = await db.query<ScopedVersionRow>(
    `WITH f AS (SELECT f.fid, f.v_from, f.v_to, f.area_m2, f.planar_m2 FROM feature f
                 WHERE f.layer_id = $1 AND ${withinDistricts('f.geom', 2, within.layer)}),
          opened AS (SELECT n.fid, n.v_from AS version FROM feature n WHERE n.layer_id = $1),
          closed AS (SELECT o.fid, o.v_to AS version FROM feature o WHERE o.layer_id = $1 AND o.v_to IS NOT NULL)
     SELECT v.version,
            (SELECT count(*)::int FROM f WHERE ${aliveAt('f', 'v.version')}) AS feature_count,
            (SELECT sum(f.area_m2) FROM f WHERE ${aliveAt('f', 'v.version')}) AS area_m2,
            (SELECT sum(f.planar_m2) FROM f WHERE ${aliveAt('f', 'v.version')}) AS planar_m2,
            (SELECT count(*)::int FROM f WHERE f.v_from = v.version
                AND NOT EXISTS (SELECT 1 FROM closed c WHERE c.fid = f.fid AND c.version = v.version)) AS added,
            (SELECT count(*)::int FROM f WHERE f.v_to = v.version
                AND NOT EXISTS (SELECT 1 FROM opened o WHERE o.fid = f.fid AND o.version = v.version)) AS removed,
            (SELECT count(DISTINCT f.fid)::int FROM f
              WHERE f.v_from = v.version AND EXISTS (SELECT 1 FROM closed c WHERE c.fid = f.fid AND c.version = v.version)
                 OR f.v_to = v.version AND EXISTS (SELECT 1 FROM opened o WHERE o.fid = f.fid AND o.version = v.version)) AS changed
       FROM layer_version v WHERE v.layer_id = $1 ORDER BY v.version`,
    [layerId, within.codes],
  );
  return r.rows;
}

/**
 * Features of each layer's given version inside the districts: one row per layer asked about
 * (a layer with none inside counts 0), so a short answer is a lost result, not an empty district.
 */
export async function scopedFeatureCounts(
  db: Queryable,
  layers: { layerId: number; version: number | null }[],
  within: DistrictsWithin,
): Promise<Map<number, number>> {
  if (layers.length === 0) return new Map();
  const r = await db.query<{ layer_id: number; n: number }>(
    `SELECT x.layer_id, (SELECT count(*)::int FROM feature f
                          WHERE ${aliveIn('f', 'x.layer_id', 'x.version')} AND ${withinDistricts('f.geom', 3, within.layer)}) AS n
       FROM unnest($1::int[], $2::int[]) AS x(layer_id, version)`,
    [layers.map((l) => l.layerId), layers.map((l) => l.version ?? 0), within.codes],
  );
  if (r.rows.length !== layers.length) throw new Error(`scopedFeatureCounts: expected ${layers.length} rows, got ${r.rows.length}`);
  return new Map(r.rows.map((x) => [x.layer_id, x.n]));
}
