// Local plane for generation: kilometres east/north of 120°E 30°N (equirectangular, accurate to
// well under 1% across Hangzhou, plenty for a synthetic city). Output is lon/lat EPSG:4490.
import { HANGZHOU_EXTENT } from '../config.ts';

export const LON0 = 120;
export const LAT0 = 30;
export const KM_PER_DEG_LAT = 110.95;
export const KM_PER_DEG_LON = 111.32 * Math.cos((29.9 * Math.PI) / 180);

export type XY = [number, number];
export type Ring = number[][];

export const lonToX = (lon: number) => (lon - LON0) * KM_PER_DEG_LON;
export const latToY = (lat: number) => (lat - LAT0) * KM_PER_DEG_LAT;
export const xToLon = (x: number) => LON0 + x / KM_PER_DEG_LON;
export const yToLat = (y: number) => LAT0 + y / KM_PER_DEG_LAT;
export const km = (lon: number, lat: number): XY => [lonToX(lon), latToY(lat)];
export const lonLat = (x: number, y: number): [number, number] => [xToLon(x), yToLat(y)];

/** The city extent the generator must stay inside (domain.md §2), in km. */
export const EXTENT = HANGZHOU_EXTENT;
export const EXTENT_KM = { x0: lonToX(EXTENT[0]), y0: latToY(EXTENT[1]), x1: lonToX(EXTENT[2]), y1: latToY(EXTENT[3]) };

/** Distance from p to segment ab (km). */
export function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Distance from p to a polyline given in km, with the position along it (0..1). */
export function polylineDist(px: number, py: number, line: XY[]): number {
  let best = Infinity;
  for (let k = 0; k + 1 < line.length; k++) {
    const d = segDist(px, py, line[k][0], line[k][1], line[k + 1][0], line[k + 1][1]);
    if (d < best) best = d;
  }
  return best;
}

/**
 * A closed star-shaped ring around (cx, cy) km, counter-clockwise, as lon/lat: always a simple
 * (valid) polygon because the angle strictly increases and the radius stays positive.
 */
export function starRing(cx: number, cy: number, n: number, radius: (theta: number, k: number) => number): Ring {
  const ring: Ring = [];
  for (let k = 0; k < n; k++) {
    const th = (2 * Math.PI * k) / n;
    const r = radius(th, k);
    ring.push(lonLat(cx + r * Math.cos(th), cy + r * Math.sin(th)));
  }
  ring.push(ring[0]);
  return ring;
}

/** A small polygon (n-gon with slightly uneven radius) of about `radiusKm` around a point. */
export function blob(lon: number, lat: number, radiusKm: number, n: number, u: (k: number) => number): Ring {
  const [cx, cy] = km(lon, lat);
  return starRing(cx, cy, n, (_t, k) => radiusKm * (0.85 + 0.3 * u(k)));
}
