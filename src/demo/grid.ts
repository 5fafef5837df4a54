// The jittered vertex grid every cell-based layer is cut from. Vertices are a pure function of
// (seed, i, j), so neighbouring cells share exactly the same corner coordinates: cells tessellate
// with no gaps or overlaps. Jitter is at most 22% of the cell size on each axis, which keeps every
// cell a convex quadrilateral (valid, and any bilinear sub-quad of it is valid too).
import { rand } from './prng.ts';
import { EXTENT_KM, lonLat, type Ring } from './geo.ts';

export type Scale = 'small' | 'demo' | 'large';

export interface ScaleSpec {
  /** Cell edge in km. */
  cellKm: number;
  /** Sub-blocks per cell edge in built-up cells (streets, parcels). */
  sub: number;
}

export const SCALES: Record<Scale, ScaleSpec> = {
  small: { cellKm: 4.5, sub: 3 },
  demo: { cellKm: 1.0, sub: 3 },
  large: { cellKm: 0.175, sub: 1 },
};

const JITTER = 0.22;
const SALT_JX = 11;
const SALT_JY = 12;

export class Grid {
  readonly nx: number;
  readonly ny: number;
  readonly x0: number;
  readonly y0: number;
  readonly size: number;
  readonly sub: number;

  constructor(
    readonly seed: number,
    spec: ScaleSpec,
  ) {
    this.size = spec.cellKm;
    this.sub = spec.sub;
    this.x0 = EXTENT_KM.x0;
    this.y0 = EXTENT_KM.y0;
    this.nx = Math.floor((EXTENT_KM.x1 - EXTENT_KM.x0) / this.size);
    this.ny = Math.floor((EXTENT_KM.y1 - EXTENT_KM.y0) / this.size);
  }

  get cellCount(): number {
    return this.nx * this.ny;
  }

  id(i: number, j: number): number {
    return j * this.nx + i;
  }

  /** Grid vertex (i, j) in km, jittered. */
  vx(i: number, j: number): number {
    return this.x0 + (i + JITTER * (2 * rand(this.seed, SALT_JX, i, j) - 1)) * this.size;
  }

  vy(i: number, j: number): number {
    return this.y0 + (j + JITTER * (2 * rand(this.seed, SALT_JY, i, j) - 1)) * this.size;
  }

  /** Unjittered cell centre in km (what classification looks at). */
  cx(i: number): number {
    return this.x0 + (i + 0.5) * this.size;
  }

  cy(j: number): number {
    return this.y0 + (j + 0.5) * this.size;
  }

  /**
   * Point at fractions (s, t) of cell (i, j), bilinear between its corners, in lon/lat. s = t = 0
   * returns the corner itself exactly, and points on a shared edge are computed from that edge's
   * two corners only, so neighbours agree to the last bit.
   */
  at(i: number, j: number, s: number, t: number): [number, number] {
    const lerp = (a: number, b: number, u: number) => (u === 0 ? a : a + (b - a) * u);
    const lx = lerp(this.vx(i, j), this.vx(i, j + 1), t);
    const ly = lerp(this.vy(i, j), this.vy(i, j + 1), t);
    if (s === 0) return lonLat(lx, ly);
    const rx = lerp(this.vx(i + 1, j), this.vx(i + 1, j + 1), t);
    const ry = lerp(this.vy(i + 1, j), this.vy(i + 1, j + 1), t);
    return lonLat(lerp(lx, rx, s), lerp(ly, ry, s));
  }

  /** Sub-grid vertex (I, J) = point (I mod sub, J mod sub) of cell (I div sub, J div sub). */
  subVertex(I: number, J: number): [number, number] {
    const n = this.sub;
    const i = Math.floor(I / n);
    const j = Math.floor(J / n);
    return this.at(i, j, (I - i * n) / n, (J - j * n) / n);
  }

  /** The whole cell as a counter-clockwise lon/lat ring. */
  cellRing(i: number, j: number): Ring {
    const a = this.at(i, j, 0, 0);
    return [a, this.at(i + 1, j, 0, 0), this.at(i + 1, j + 1, 0, 0), this.at(i, j + 1, 0, 0), a];
  }

  /** Part [s0, s1] × [t0, t1] of cell (i, j), counter-clockwise (fractions in 0..1). */
  quad(i: number, j: number, s0: number, s1: number, t0: number, t1: number): Ring {
    const p = (s: number, t: number) => (s === 1 || t === 1 ? this.far(i, j, s, t) : this.at(i, j, s, t));
    const a = p(s0, t0);
    return [a, p(s1, t0), p(s1, t1), p(s0, t1), a];
  }

  /** Points with s or t = 1 belong to the next cell: compute them there so shared edges match. */
  private far(i: number, j: number, s: number, t: number): [number, number] {
    const ii = s === 1 ? i + 1 : i;
    const jj = t === 1 ? j + 1 : j;
    return this.at(ii, jj, s === 1 ? 0 : s, t === 1 ? 0 : t);
  }
}
