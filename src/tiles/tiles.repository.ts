// All SQL of the vector tiles: the catalogue snapshot the tile server answers from, the tile
// statement itself (ST_AsMVT over the layer's active version), and the extent and field names a
// TileJSON document reports. bench/tiles.ts runs tileSql() directly as its baseline, so what it
// measures is exactly what the server runs.
import type { Queryable } from '../db/index.ts';
import { DEFAULT_DISTRICT_LAYER, type DistrictLayer } from '../config.ts';
import type { LayerRow } from '../catalogue/catalogue.service.ts';
import { districtCondition, type LayerScope } from '../auth/layers.ts';
import { BUFFER, CLIP_MARGIN, EXTENT, tileSizes, type TileCoord } from './tile-math.ts';
import { encodeMvt, type TileGeometry } from './mvt.ts';
import { versionExtent as storeExtent } from '../store/history.repository.ts';
import { aliveAt, aliveIn, withinDistricts } from '../store/fragments.repository.ts';

/** A catalogue row as the tile server needs it, with the identity of its active version. */
export interface TileLayer extends LayerRow {
  /**
   * When the active version was written (µs since 1970, as text), or null without data. Part of
   * every ETag: a database rebuilt from scratch reuses layer ids and version numbers, and a
   * browser must not be told its tile of the old database is still good.
   */
  version_stamp: string | null;
}

/**
 * Every layer with its active version, in catalogue order. The column list follows
 * catalogue.repository's LayerRow so auth/layers.ts's scopeOf() judges these rows as it judges
 * the catalogue's own.
 */
export async function layersWithVersions(db: Queryable): Promise<TileLayer[]> {
  return (
    await db.query<TileLayer>(
      `SELECT l.id, l.code, l.name_zh, l.name_en, l.class, l.geometry_type, l.attr_schema, l.statutory, l.public, l.source,
              l.legal_basis, l.owner_dept, to_char(l.data_date, 'YYYY-MM-DD') AS data_date, l.description, l.active_version,
              (extract(epoch FROM v.created_at) * 1000000)::bigint::text AS version_stamp
         FROM layer l LEFT JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version
        ORDER BY l.sort_order, l.code`,
      [],
      { prepare: true },
    )
  ).rows;
}

/**
 * When version `version` of a layer was written (µs since 1970, as text), or null when the layer
 * has no such version: the identity of a version asked for by number (tiles.service.ts).
 */
export async function versionStamp(db: Queryable, layerId: number, version: number): Promise<string | null> {
  const r = await db.query<{ stamp: string }>(
    `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS stamp FROM layer_version WHERE layer_id = $1 AND version = $2`,
    [layerId, version],
  );
  return r.rows[0]?.stamp ?? null;
}

/** The layer one tile statement reads. */
export interface TileQuery {
  layerId: number;
  geometryType: string;
}

/**
 * How tiles are encoded: 'postgis' with ST_AsMVT / ST_AsMVTGeom (PostgreSQL server); 'portable'
 * where PostGIS lacks protobuf-c (embedded PGlite): the same candidates, clipping and
 * simplification, ST_AsMVTGeom's remaining steps spelt out in SQL, and mvt.ts writing the bytes.
 */
export type TileEncoder = 'postgis' | 'portable';

export async function tileEncoder(db: Queryable): Promise<TileEncoder> {
  try {
    const r = await db.query<{ ok: boolean }>(`SELECT postgis_libprotobuf_version() IS NOT NULL AS ok`);
    return r.rows[0]?.ok ? 'postgis' : 'portable';
  } catch {
    return 'portable'; // a PostGIS without the function at all
  }
}

/**
 * The tile statement. Parameters: $1–$3 z, x, y; $4 version; $5 simplification tolerance (m,
 * EPSG:3857); $6, $7 the smallest polygon bounding box kept (degrees lon, lat); $8 the MVT layer
 * name; $9 attribute names to keep (text[], NULL = every key); $10 the caller's district codes
 * (text[]) when the scope is limited to districts.
 *
 * - The layer id is an integer literal, not a parameter: PostgreSQL then prunes the feature
 *   partitions at plan time, and the statement (prepared, one per layer) plans for that
 *   partition's GiST index alone (decision 0003 measured the same for overlays).
 * - `f.geom && clip` (the tile plus a margin, transformed to EPSG:4490, where the data and its
 *   index are) selects the candidates through the GiST index.
 * - Only features reaching outside the margin box are clipped (ST_ClipByBox2D, in 4490), so a
 *   red line of thousands of vertices is cut to the tile before it is transformed, while the
 *   many features wholly inside skip the GEOS round trip.
 * - ST_Simplify in 3857 with a tolerance of one tile pixel: invisible, and at low zooms it
 *   removes most vertices of long outlines. ST_AsMVTGeom then snaps to the pixel grid, clips to
 *   the buffer and repairs polygons the simplification or clipping left invalid.
 * - Polygons whose bounding box fits in one tile pixel are left out before any of that.
 * - props become MVT attributes (ST_AsMVT flattens a jsonb column; nested values are skipped);
 *   the feature's row id is the MVT feature id (MapLibre feature-state), fid an attribute.
 * - Features in row-id order: otherwise their order follows the plan (a bitmap scan for the first
 *   custom plans, the index order later), and the same tile version would come out in different
 *   bytes under the same strong ETag. Overlapping features also draw in one stable order.
 */
export function tileSql(q: TileQuery, scope: LayerScope, encoder: TileEncoder, d: DistrictLayer = DEFAULT_DISTRICT_LAYER): string {
  const id = Number(q.layerId);
  if (!Number.isSafeInteger(id)) throw new Error(`layer id must be an integer, got ${q.layerId}`);
  const small = `ST_XMax(f.geom) - ST_XMin(f.geom) < $6::float8 AND ST_YMax(f.geom) - ST_YMin(f.geom) < $7::float8`;
  const dropSmall =
    q.geometryType === 'Polygon'
      ? `AND NOT (${small})`
      : q.geometryType === 'Geometry'
        ? `AND NOT (ST_Dimension(f.geom) = 2 AND ${small})`
        : `AND $6::float8 IS NOT NULL AND $7::float8 IS NOT NULL`; // lines and points: unused, but typed
  // A district officer's scope (auth/layers.ts): only features inside their districts.
  const districts = scope.districts ? `AND ${districtCondition(scope, 'f.geom', 10, d)}` : '';
  const simplified = `ST_Simplify(ST_Transform(CASE WHEN f.geom @ b.clip THEN f.geom ELSE ST_ClipByBox2D(f.geom, b.clip) END, 3857), $5::float8)`;
  const candidates = `SELECT f.id, f.fid,
         CASE WHEN $9::text[] IS NULL THEN f.props - 'fid'
              ELSE (SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}') FROM jsonb_each(f.props) a WHERE a.key = ANY ($9::text[])) END AS props,
         ${encoder === 'postgis' ? `ST_AsMVTGeom(${simplified}, b.env, ${EXTENT}, ${BUFFER}, true)` : portableMvtGeom(simplified)} AS geom
    FROM feature f,
         (SELECT env, clip, ST_XMin(env) AS x0, ST_YMax(env) AS y1, ${EXTENT} / (ST_XMax(env) - ST_XMin(env)) AS scale FROM (
            SELECT ST_TileEnvelope($1, $2, $3) AS env,
                   ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ${CLIP_MARGIN}), 4490) AS clip) e) b
   WHERE f.layer_id = ${id}
     AND ${aliveAt('f', '$4::int')}
     AND f.geom && b.clip
     ${dropSmall}
     ${districts}`;
  if (encoder === 'postgis') {
    return `SELECT ST_AsMVT(t, $8::text, ${EXTENT}, 'geom', 'id' ORDER BY t.id) AS mvt FROM (
  ${candidates}
) t WHERE t.geom IS NOT NULL`;
  }
  return `SELECT t.id, t.fid, t.props, ST_AsGeoJSON(t.geom, 0) AS geom, $8::text AS layer FROM (
  ${candidates}
) t WHERE t.geom IS NOT NULL AND NOT ST_IsEmpty(t.geom) ORDER BY t.id`;
}

/**
 * ST_AsMVTGeom(g, env, EXTENT, BUFFER, true) in plain PostGIS: into tile coordinates (origin
 * top-left, y down), clipped to the buffer, snapped to the integer grid, made valid again and
 * kept to the feature's own dimension (collapsed rings become nothing, not lines), exterior rings
 * with positive area in tile coordinates as MVT §4.3.4.4 requires (ST_ForcePolygonCCW).
 */
function portableMvtGeom(g: string): string {
  return `ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(ST_ClipByBox2D(
           ST_TransScale(${g}, -b.x0, -b.y1, b.scale, -b.scale),
           ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER})), 1)), ST_Dimension(f.geom) + 1))`;
}

/** Parameters of tileSql() for one tile. */
export function tileParams(
  t: TileCoord,
  version: number,
  layerName: string,
  attrNames: string[] | null,
  districts: string[] | null,
): unknown[] {
  const s = tileSizes(t);
  const p: unknown[] = [t.z, t.x, t.y, version, s.toleranceM, s.minWidthDeg, s.minHeightDeg, layerName, attrNames];
  if (districts) p.push(districts);
  return p;
}

/** Runs a tile statement: the MVT bytes, empty when no feature falls in the tile. */
export async function buildTile(db: Queryable, sql: string, params: unknown[], encoder: TileEncoder): Promise<Buffer> {
  if (encoder === 'portable') {
    const r = await db.query<{ id: number | string; fid: string; props: Record<string, unknown>; geom: string }>(sql, params, {
      prepare: true,
    });
    if (r.rows.length === 0) return Buffer.alloc(0);
    return encodeMvt(
      String(params[7]),
      EXTENT,
      r.rows.map((row) => ({
        id: Number(row.id),
        properties: { fid: row.fid, ...row.props },
        geometry: JSON.parse(row.geom) as TileGeometry,
      })),
    );
  }
  const r = await db.query<{ mvt: Uint8Array | null }>(sql, params, { prepare: true });
  const mvt = r.rows[0]?.mvt;
  if (!mvt || mvt.length === 0) return Buffer.alloc(0);
  // pg hands back a Buffer: no copy.
  return Buffer.isBuffer(mvt) ? mvt : Buffer.from(mvt.buffer, mvt.byteOffset, mvt.byteLength);
}

export interface VersionExtent {
  bounds: [number, number, number, number] | null;
  /** Attribute keys found in the data (a sample), for layers without a declared attr_schema. */
  keys: string[];
}

/**
 * Extent (EPSG:4490 lon/lat) of a layer version, and the attribute keys of a sample of it — of
 * the features inside the scope's districts when the scope is limited to them (a district
 * officer's TileJSON describes the tiles they get, not the city-wide layer). The extent is the
 * store's one extent query (history.repository.ts).
 */
export async function versionExtent(
  db: Queryable,
  layerId: number,
  version: number,
  scope: LayerScope | null,
  d: DistrictLayer,
): Promise<VersionExtent> {
  const within = scope?.districts ? { codes: scope.districts, layer: d } : null;
  const bounds = await storeExtent(db, layerId, version, within);
  const filter = within ? `AND ${withinDistricts('f.geom', 3, d)}` : '';
  const r = await db.query<{ keys: string[] | null }>(
    `SELECT array_agg(DISTINCT k ORDER BY k) AS keys FROM (
       SELECT jsonb_object_keys(s.props) AS k FROM (
         SELECT f.props FROM feature f WHERE ${aliveIn('f', '$1', '$2')} ${filter} LIMIT 1000) s) ks`,
    within ? [layerId, version, within.codes] : [layerId, version],
  );
  if (r.rows.length !== 1) throw new Error(`attribute keys: expected one row, got ${r.rows.length}`);
  return { bounds, keys: (r.rows[0].keys ?? []).filter((k) => k !== 'fid') };
}
