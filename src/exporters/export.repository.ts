// SQL for exports: features of one layer version, a page at a time, geometry as the format needs.
import type { Queryable } from '../db/index.ts';
import { aliveAt } from '../store/fragments.repository.ts';
import type { SourcePoints } from '../importers/types.ts';

export interface ExportRow {
  id: number;
  fid: string;
  props: Record<string, unknown>;
  g: string | Buffer;
  area_m2: number | null;
  planar_m2: number | null;
  /** Coordinate TXT point names as imported (migration 013); null for other sources. */
  source_points: SourcePoints | null;
}

export type GeomOut = { kind: 'geojson' } | { kind: 'wkb' } | { kind: 'wkb-srid'; srid: number };

function geomSql(g: GeomOut): string {
  switch (g.kind) {
    // 15 decimals (PostGIS's most): rounding moves a coordinate by at most 5e-16°, less than half the
    // spacing of doubles at every magnitude from 8° up (8.9e-16 at 8°, 1.4e-14 at 180°) — all of China
    // but the South China Sea islets below 8°N — so each coordinate reads back as the very double
    // stored and an export imported again is the same geometry. (At 9 decimals it was up to 0.05 mm off.)
    case 'geojson':
      return 'ST_AsGeoJSON(f.geom, 15)';
    // Hex text rather than bytea keeps the two drivers' binary handling out of the way.
    case 'wkb':
      return `encode(ST_AsBinary(f.geom), 'hex')`;
    case 'wkb-srid':
      return `encode(ST_AsBinary(ST_Transform(f.geom, ${Number(g.srid)})), 'hex')`;
  }
}

export async function page(
  db: Queryable,
  layerId: number,
  version: number,
  afterId: number,
  limit: number,
  g: GeomOut,
  fids?: string[],
): Promise<ExportRow[]> {
  return (
    await db.query<ExportRow>(
      `SELECT f.id, f.fid, f.props, ${geomSql(g)} AS g, f.area_m2, f.planar_m2, f.source_points
         FROM feature f
        WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND f.id > $3 AND ($5::text[] IS NULL OR f.fid = ANY ($5::text[]))
        ORDER BY f.id LIMIT $4`,
      [layerId, version, afterId, limit, fids ?? null],
    )
  ).rows;
}

/** The 3° GK zone (no prefix → +21 gives the prefixed code) that holds most of a selection. */
export async function dominantZone(db: Queryable, layerId: number, version: number, fids?: string[]): Promise<number> {
  const r = await db.query<{ z: number }>(
    `SELECT round(ST_X(ST_Centroid(ST_Extent(f.geom)::geometry)) / 3)::int AS z
       FROM feature f WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND ($3::text[] IS NULL OR f.fid = ANY ($3::text[]))`,
    [layerId, version, fids ?? null],
  );
  return r.rows[0]?.z ?? 40;
}

/**
 * The [属性描述] headers of the TXT imports that wrote the selected features (each feature's v_from),
 * newest first, with how many of the features each wrote. Versions from other formats have none.
 */
export async function txtHeaders(
  db: Queryable,
  layerId: number,
  version: number,
  fids?: string[],
): Promise<{ version: number; header: [string, string][]; features: number }[]> {
  return (
    await db.query<{ version: number; header: [string, string][]; features: number }>(
      `SELECT v.version, v.source_header AS header, count(*)::int AS features
         FROM feature f JOIN layer_version v ON v.layer_id = f.layer_id AND v.version = f.v_from
        WHERE f.layer_id = $1 AND ${aliveAt('f', '$2')} AND ($3::text[] IS NULL OR f.fid = ANY ($3::text[]))
          AND v.source_header IS NOT NULL
        GROUP BY v.version, v.source_header ORDER BY v.version DESC`,
      [layerId, version, fids ?? null],
    )
  ).rows;
}
