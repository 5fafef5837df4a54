// The city's natural and urban structure as pure functions of position (km): urban cores with
// star-shaped development boundaries, rivers and lakes, terrain. Cells are classified from these.
import { Fbm, mulberry32 } from './prng.ts';
import { km, polylineDist, starRing, type Ring, type XY } from './geo.ts';

export interface Core {
  name: string;
  lon: number;
  lat: number;
  /** Mean radius of the development boundary (km). */
  r: number;
  /** 0..1: share of industry in the outer ring. */
  ind: number;
  /** Main city core: denser, higher FAR. */
  main?: boolean;
}

export const CORES: readonly Core[] = [
  { name: '主城', lon: 120.165, lat: 30.28, r: 10.5, ind: 0.1, main: true },
  { name: '滨江', lon: 120.2, lat: 30.195, r: 4.2, ind: 0.3 },
  { name: '萧山', lon: 120.27, lat: 30.165, r: 6, ind: 0.35 },
  { name: '未来科技城', lon: 120.02, lat: 30.285, r: 5.5, ind: 0.25 },
  { name: '临平', lon: 120.3, lat: 30.42, r: 4.5, ind: 0.45 },
  { name: '下沙', lon: 120.36, lat: 30.305, r: 5.5, ind: 0.5 },
  { name: '大江东', lon: 120.52, lat: 30.27, r: 5.5, ind: 0.75 },
  { name: '良渚', lon: 120.04, lat: 30.385, r: 3, ind: 0.3 },
  { name: '富阳', lon: 119.955, lat: 30.05, r: 4, ind: 0.4 },
  { name: '临安', lon: 119.72, lat: 30.235, r: 4, ind: 0.35 },
  { name: '瓜沥', lon: 120.45, lat: 30.19, r: 2.5, ind: 0.6 },
  { name: '桐庐', lon: 119.69, lat: 29.795, r: 2.8, ind: 0.35 },
  { name: '新安江', lon: 119.29, lat: 29.475, r: 2.6, ind: 0.35 },
  { name: '千岛湖', lon: 119.04, lat: 29.615, r: 2.2, ind: 0.1 },
  { name: '塘栖', lon: 120.19, lat: 30.48, r: 1.8, ind: 0.4 },
  { name: '瓶窑', lon: 119.96, lat: 30.39, r: 1.8, ind: 0.4 },
  { name: '义桥', lon: 120.21, lat: 30.07, r: 1.5, ind: 0.4 },
  { name: '新登', lon: 119.75, lat: 30.07, r: 1.5, ind: 0.4 },
  { name: '昌化', lon: 119.22, lat: 30.16, r: 1.5, ind: 0.3 },
  { name: '於潜', lon: 119.4, lat: 30.2, r: 1.5, ind: 0.3 },
  { name: '分水', lon: 119.42, lat: 29.99, r: 1.3, ind: 0.3 },
  { name: '梅城', lon: 119.53, lat: 29.55, r: 1.4, ind: 0.3 },
  { name: '寿昌', lon: 119.22, lat: 29.37, r: 1.4, ind: 0.3 },
  { name: '汾口', lon: 118.62, lat: 29.53, r: 1.2, ind: 0.2 },
];

export type WaterKind = '河流' | '湖泊' | '水库';
export interface Water {
  name: string;
  kind: WaterKind;
  /** 三调 class of its cells. */
  dlbm: '1101' | '1102' | '1103';
}

export const WATERS: readonly Water[] = [
  { name: '钱塘江', kind: '河流', dlbm: '1101' },
  { name: '千岛湖', kind: '水库', dlbm: '1103' },
  { name: '西湖', kind: '湖泊', dlbm: '1102' },
  { name: '湘湖', kind: '湖泊', dlbm: '1102' },
  { name: '青山湖', kind: '水库', dlbm: '1103' },
  { name: '东苕溪', kind: '河流', dlbm: '1101' },
];
export const W_RIVER = 0;
export const W_QIANDAO = 1;

// 新安江 → 富春江 → 钱塘江, from below the 千岛湖 dam to the estuary: [lon, lat, width km].
const QIANTANG: [number, number, number][] = [
  [119.13, 29.545, 0.5],
  [119.22, 29.5, 0.35],
  [119.29, 29.465, 0.35],
  [119.42, 29.55, 0.4],
  [119.55, 29.67, 0.45],
  [119.68, 29.775, 0.5],
  [119.8, 29.9, 0.6],
  [119.93, 30.025, 0.8],
  [120.05, 30.12, 1.0],
  [120.13, 30.19, 1.1],
  [120.2, 30.225, 1.2],
  [120.29, 30.255, 1.6],
  [120.38, 30.275, 2.5],
  [120.5, 30.315, 4.5],
  [120.62, 30.35, 7],
  [120.72, 30.37, 9],
];
const TIAOXI: XY[] = [km(119.75, 30.3), km(119.85, 30.33), km(119.93, 30.37), km(120.0, 30.42), km(120.05, 30.5), km(120.1, 30.57)];

interface Lake {
  w: number;
  x: number;
  y: number;
  r: number;
}

export const AIRPORT = { name: '杭州萧山国际机场', lon: 120.434, lat: 30.236, elevation: 7, headingDeg: 70, lengthM: 3600 };

/** Everything position-dependent, built once per seed. */
export class CityModel {
  private readonly coreXY: XY[] = CORES.map((c) => km(c.lon, c.lat));
  /** Per core: harmonic amplitudes and phases of the boundary radius. */
  private readonly harm: { a: number[]; p: number[] }[];
  private readonly river: { pts: XY[]; w: number[] };
  private readonly riverCoarse: XY[];
  private readonly lakes: Lake[];
  private readonly terrain: Fbm;
  private readonly terrainFine: Fbm;
  private readonly lakeNoise: Fbm;
  readonly urbanNoise: Fbm;
  readonly industryNoise: Fbm;
  readonly ecoNoise: Fbm;
  readonly hazardNoise: Fbm;
  readonly farmNoise: Fbm;
  private readonly airportXY: XY = km(AIRPORT.lon, AIRPORT.lat);
  private readonly scenicXY: XY = km(120.125, 30.232);

  constructor(readonly seed: number) {
    const r = mulberry32(seed ^ 0x5eed);
    this.harm = CORES.map(() => {
      const a: number[] = [];
      const p: number[] = [];
      for (let k = 2; k <= 7; k++) {
        a.push(((0.5 + r()) * 0.16) / (k - 1));
        p.push(r() * 2 * Math.PI);
      }
      return { a, p };
    });
    // Meanders: offset the river centre line sideways with a slow sine along its length.
    const pts: XY[] = [];
    const w: number[] = [];
    let along = 0;
    const phase = r() * 10;
    for (let k = 0; k + 1 < QIANTANG.length; k++) {
      const [ax, ay] = km(QIANTANG[k][0], QIANTANG[k][1]);
      const [bx, by] = km(QIANTANG[k + 1][0], QIANTANG[k + 1][1]);
      const len = Math.hypot(bx - ax, by - ay);
      const steps = Math.max(1, Math.ceil(len / 0.5));
      for (let s = 0; s < steps; s++) {
        const t = s / steps;
        const nx = -(by - ay) / len;
        const ny = (bx - ax) / len;
        const off = 1.4 * Math.sin((along + t * len) / 4.5 + phase) * Math.min(1, QIANTANG[k][2]);
        pts.push([ax + (bx - ax) * t + nx * off, ay + (by - ay) * t + ny * off]);
        w.push(QIANTANG[k][2] + (QIANTANG[k + 1][2] - QIANTANG[k][2]) * t);
      }
      along += len;
    }
    const last = QIANTANG[QIANTANG.length - 1];
    pts.push(km(last[0], last[1]));
    w.push(last[2]);
    this.river = { pts, w };
    this.riverCoarse = pts.filter((_, k) => k % 4 === 0 || k === pts.length - 1);
    const l = (w: number, lon: number, lat: number, r: number): Lake => ({ w, x: km(lon, lat)[0], y: km(lon, lat)[1], r });
    this.lakes = [
      l(W_QIANDAO, 118.86, 29.62, 11),
      l(W_QIANDAO, 119.03, 29.57, 9),
      l(W_QIANDAO, 118.75, 29.58, 6),
      l(2, 120.145, 30.245, 1.45),
      l(3, 120.225, 30.135, 1.1),
      l(4, 119.8, 30.255, 1.6),
    ];
    this.terrain = new Fbm(seed, 201, 16, 3);
    this.terrainFine = new Fbm(seed, 202, 4, 2);
    this.lakeNoise = new Fbm(seed, 203, 7, 3);
    this.urbanNoise = new Fbm(seed, 204, 2.5, 2);
    this.industryNoise = new Fbm(seed, 205, 3.5, 2);
    this.ecoNoise = new Fbm(seed, 206, 9, 2);
    this.hazardNoise = new Fbm(seed, 207, 5, 2);
    this.farmNoise = new Fbm(seed, 208, 6, 2);
  }

  /** Smooth boundary radius of core c at angle theta (km). */
  coreRadius(c: number, theta: number): number {
    const h = this.harm[c];
    let f = 1;
    for (let k = 0; k < h.a.length; k++) f += h.a[k] * Math.cos((k + 2) * theta + h.p[k]);
    return CORES[c].r * f;
  }

  /** The development boundary of core c: a star with 1000+ vertices for the big cores. */
  coreRing(c: number, jag: (k: number) => number): Ring {
    const [cx, cy] = this.coreXY[c];
    const n = Math.min(3000, Math.round(300 + 170 * CORES[c].r));
    return starRing(cx, cy, n, (th, k) => this.coreRadius(c, th) * (1 + 0.035 * (jag(k) - 0.5)));
  }

  /** Nearest core by relative distance (distance ÷ boundary radius); rel < 1 = inside the boundary. */
  urban(x: number, y: number): { core: number; rel: number } {
    let core = -1;
    let rel = Infinity;
    for (let c = 0; c < this.coreXY.length; c++) {
      const dx = x - this.coreXY[c][0];
      const dy = y - this.coreXY[c][1];
      const d = Math.hypot(dx, dy);
      if (d > CORES[c].r * 1.6 && rel < Infinity) continue;
      const q = d / this.coreRadius(c, Math.atan2(dy, dx));
      if (q < rel) {
        rel = q;
        core = c;
      }
    }
    return { core, rel };
  }

  /**
   * Water body index at a point, or -1. `minHalfWidth` (km) widens the rivers and 西湖 to about
   * half a cell so they stay continuous (and exist) at every scale.
   */
  water(x: number, y: number, minHalfWidth: number): number {
    for (const lk of this.lakes) {
      const d = Math.hypot(x - lk.x, y - lk.y);
      if (d > lk.r * 1.6 + minHalfWidth) continue;
      const base =
        lk.w === W_QIANDAO ? 1 - d / lk.r + 0.55 * this.lakeNoise.value(x, y) : 1 - d / Math.max(lk.r, lk.w === 2 ? minHalfWidth : 0);
      if (base > (lk.w === W_QIANDAO ? 0.35 : 0)) return lk.w;
    }
    const pts = this.river.pts;
    let best = Infinity;
    let width = 0;
    for (let k = 0; k + 1 < pts.length; k++) {
      const ax = pts[k][0];
      const ay = pts[k][1];
      if (Math.abs(x - ax) > 12 || Math.abs(y - ay) > 12) continue;
      const dx = pts[k + 1][0] - ax;
      const dy = pts[k + 1][1] - ay;
      const l2 = dx * dx + dy * dy;
      let t = l2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / l2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
      if (d < best) {
        best = d;
        width = this.river.w[k];
      }
    }
    if (best < Math.max(width / 2, minHalfWidth)) return W_RIVER;
    if (polylineDist(x, y, TIAOXI) < Math.max(0.15, 0.9 * minHalfWidth)) return 5;
    return -1;
  }

  /** Distance to the main river (km), for the valley floor. */
  riverDist(x: number, y: number): number {
    return polylineDist(x, y, this.riverCoarse);
  }

  /** Terrain 0 (plain) … 1 (high mountains): high in the west and south-west, valleys along the river. */
  height(x: number, y: number, riverDist: number): number {
    const west = Math.min(1, Math.max(0, (km(120.3, 30)[0] - x) / 80));
    const south = x > km(119.9, 30)[0] ? Math.min(1, Math.max(0, (km(120, 30.12)[1] - y) / 25)) * 0.75 : 0;
    let h = Math.pow(Math.max(west, south), 0.8) + 0.3 * this.terrain.value(x, y) + 0.1 * this.terrainFine.value(x, y);
    h -= 0.45 * Math.exp(-((riverDist / 5) ** 2));
    return Math.min(1, Math.max(0, h));
  }

  distToAirport(x: number, y: number): number {
    return Math.hypot(x - this.airportXY[0], y - this.airportXY[1]);
  }

  /** 西湖风景名胜区: hills and tea gardens, not built up. */
  scenic(x: number, y: number): boolean {
    return Math.hypot(x - this.scenicXY[0], (y - this.scenicXY[1]) * 1.3) < 3.6;
  }
}
