// Web-Mercator (EPSG:3857) tile arithmetic: the z/x/y address of a vector tile, checked before
// anything reaches SQL, and the zoom-dependent sizes the tile statement needs.
//
// Units: a tile is EXTENT × EXTENT "tile pixels" (MVT integer coordinates); MapLibre draws a
// tile 512 screen pixels wide, so one screen pixel is 8 tile pixels.
import { Invalid } from '../errors.ts';

/** Highest zoom served (≈ 2 cm per tile pixel at 30°N). */
export const MAX_ZOOM = 22;
/** MVT coordinate range per tile (the ST_AsMVTGeom / ST_AsMVT default). */
export const EXTENT = 4096;
/** Tile pixels kept around the tile so strokes and outlines do not stop short at the tile edge. */
export const BUFFER = 256;
/**
 * Features are pre-clipped in EPSG:4490 to the tile grown by this fraction on each side — a
 * little more than BUFFER, so ST_AsMVTGeom's own clip stays the one that shapes the tile edge.
 */
export const CLIP_MARGIN = (BUFFER + 64) / EXTENT;

// Spherical Web-Mercator: radius 6,378,137 m (EPSG:3857).
const R = 6378137;
const WORLD_M = 2 * Math.PI * R;

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** A bad tile address: answered 400 with the message. */
export class TileRequestError extends Invalid {}

// Digits only: "1 OR 1=1", "-1", "1e3", "0x10" and quotes never reach Number().
const INT = /^\d{1,8}$/;

/**
 * Parses the z, x and "{y}.mvt" path segments. z must be 0–22 and x, y within 0…2^z−1;
 * `.pbf` is accepted as a synonym (older clients ask for it).
 */
export function parseTile(zs: string, xs: string, file: string): TileCoord {
  const m = /^(\d{1,8})\.(mvt|pbf)$/.exec(file);
  if (!INT.test(zs) || Number(zs) > MAX_ZOOM) throw new TileRequestError(`tile zoom must be an integer from 0 to ${MAX_ZOOM}, got "${zs}"`);
  const z = Number(zs);
  const max = 2 ** z - 1;
  if (!INT.test(xs) || Number(xs) > max) throw new TileRequestError(`tile x must be an integer from 0 to ${max} at zoom ${z}, got "${xs}"`);
  if (!m) throw new TileRequestError(`tile must be "{y}.mvt" or "{y}.pbf" with y an integer from 0 to ${max}, got "${file}"`);
  if (Number(m[1]) > max) throw new TileRequestError(`tile y must be an integer from 0 to ${max} at zoom ${z}, got "${m[1]}"`);
  return { z, x: Number(xs), y: Number(m[1]) };
}

/** The tile containing lon/lat (degrees) at zoom z. */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n);
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** [west, south, east, north] of a tile in degrees. */
export function tileBounds({ z, x, y }: TileCoord): [number, number, number, number] {
  const n = 2 ** z;
  const lat = (t: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * t) / n))) * 180) / Math.PI;
  return [(x / n) * 360 - 180, lat(y + 1), ((x + 1) / n) * 360 - 180, lat(y)];
}

export interface TileSizes {
  /** ST_Simplify tolerance in EPSG:3857 metres: one tile pixel. */
  toleranceM: number;
  /**
   * A polygon whose EPSG:4490 bounding box is narrower than minWidthDeg AND lower than
   * minHeightDeg fits inside one tile pixel: it is left out of the tile (it would be drawn as
   * nothing, or as a speck). Longitude and latitude degrees differ because Mercator stretches
   * latitude by 1/cos φ; φ is the tile's centre.
   */
  minWidthDeg: number;
  minHeightDeg: number;
}

export function tileSizes(t: TileCoord): TileSizes {
  const pixelM = WORLD_M / 2 ** t.z / EXTENT;
  const [, s, , n] = tileBounds(t);
  const phi = (((s + n) / 2) * Math.PI) / 180;
  const pixelLonDeg = 360 / 2 ** t.z / EXTENT;
  return { toleranceM: pixelM, minWidthDeg: pixelLonDeg, minHeightDeg: pixelLonDeg * Math.cos(phi) };
}
