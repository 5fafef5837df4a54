// Classifies every grid cell once (district, land class, urban core, terrain, water, plan unit,
// village) into compact typed arrays; every layer generator reads these and cuts geometry on the fly.
import { Grid, type ScaleSpec } from './grid.ts';
import { CityModel, CORES, WATERS, W_QIANDAO } from './model.ts';
import { CityShape, DISTRICTS } from './districts.ts';
import { CLASSES, cls, isForestOrGrass, menu } from './classes.ts';
import { pick, rand } from './prng.ts';

export const F_CZK = 1; // centre inside an urban core's development boundary
export const F_BUILT = 2; // built-up urban land
export const F_ECO = 4; // ecological red line candidate
export const F_DZX = 8; // geological hazard zone
export const F_SCENIC = 16;

export interface Unit {
  no: number;
  district: number;
  urban: boolean;
  dybh: string;
  dymc: string;
  /** Smallest relative distance to a core centre among its cells (urban intensity). */
  minRel: number;
  cells: number;
}

const M = {
  centre: menu([
    ['05H1', 26],
    ['0701', 36],
    ['08H2', 12],
    ['08H1', 6],
    ['0810', 7],
    ['1004', 6],
    ['0809', 2],
    ['1005', 3],
    ['0508', 2],
  ]),
  mid: menu([
    ['0701', 48],
    ['05H1', 10],
    ['0601', 10],
    ['08H2', 8],
    ['08H1', 2],
    ['0810', 6],
    ['1004', 6],
    ['0508', 4],
    ['0809', 3],
    ['1005', 3],
  ]),
  outer: menu([
    ['0701', 36],
    ['0601', 28],
    ['0508', 8],
    ['05H1', 5],
    ['08H2', 5],
    ['0810', 4],
    ['1004', 5],
    ['0809', 4],
    ['0702', 5],
  ]),
  town: menu([
    ['0701', 45],
    ['0702', 15],
    ['0601', 20],
    ['05H1', 8],
    ['08H2', 5],
    ['1004', 4],
    ['0809', 3],
  ]),
  plainFarm: menu([
    ['0101', 50],
    ['0102', 6],
    ['0103', 8],
    ['0201', 2],
    ['0204', 1],
    ['0301', 2],
    ['0702', 8],
    ['1104', 5],
    ['1107', 2],
    ['1006', 2],
    ['1202', 2],
    ['0601', 1],
  ]),
  plainMixed: menu([
    ['0101', 24],
    ['0102', 4],
    ['0103', 9],
    ['0201', 5],
    ['0202', 2],
    ['0204', 3],
    ['0301', 8],
    ['0302', 4],
    ['0404', 4],
    ['0702', 14],
    ['1104', 10],
    ['1107', 2],
    ['1006', 3],
    ['1202', 3],
    ['0601', 4],
    ['1003', 1],
  ]),
  fringe: menu([
    ['0101', 26],
    ['0103', 8],
    ['0702', 22],
    ['0601', 14],
    ['1104', 6],
    ['0301', 5],
    ['0201', 4],
    ['1006', 3],
    ['1003', 3],
    ['0404', 4],
    ['1202', 5],
  ]),
  hill: menu([
    ['0301', 26],
    ['0302', 14],
    ['0305', 5],
    ['0307', 3],
    ['0202', 11],
    ['0201', 6],
    ['0103', 8],
    ['0101', 6],
    ['0702', 6],
    ['0404', 4],
    ['1104', 2],
    ['1006', 2],
    ['0602', 1],
  ]),
  mountain: menu([
    ['0301', 50],
    ['0302', 20],
    ['0305', 10],
    ['0307', 5],
    ['0404', 4],
    ['0202', 3],
    ['0103', 3],
    ['0702', 2],
    ['0201', 1],
    ['0602', 1],
    ['1006', 1],
  ]),
  scenic: menu([
    ['0301', 45],
    ['0202', 30],
    ['0810', 15],
    ['0702', 10],
  ]),
};
const C_INDUSTRY = cls('0601');
const C_AIRPORT = cls('1007');

const S_CLASS = 301;
const S_INDUSTRY = 302;

export class City {
  readonly grid: Grid;
  readonly model: CityModel;
  readonly shape: CityShape;
  readonly n: number;
  readonly district: Int8Array;
  readonly cls: Uint8Array;
  readonly flags: Uint8Array;
  /** Nearest core (by relative distance), -1 when far from every core. */
  readonly core: Int16Array;
  readonly rel: Float32Array;
  readonly height: Float32Array;
  readonly water: Int8Array;
  readonly unit: Int32Array;
  readonly village: Int32Array;
  /** Farmland designations (FARM_*), filled by farmland.ts once the boundary is known. */
  readonly farm: Uint8Array;
  readonly units: Unit[] = [];
  /** 12-digit village codes (district + township + village), indexed by `village`. */
  readonly villages: string[] = [];
  /** Cell ids inside the city, in scan order (south to north, west to east). */
  readonly inside: Int32Array;

  constructor(
    readonly seed: number,
    spec: ScaleSpec,
  ) {
    this.grid = new Grid(seed, spec);
    this.model = new CityModel(seed);
    this.shape = new CityShape(seed);
    const n = (this.n = this.grid.cellCount);
    this.district = new Int8Array(n).fill(-1);
    this.cls = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.core = new Int16Array(n).fill(-1);
    this.rel = new Float32Array(n);
    this.height = new Float32Array(n);
    this.water = new Int8Array(n).fill(-1);
    this.unit = new Int32Array(n).fill(-1);
    this.village = new Int32Array(n).fill(-1);
    this.farm = new Uint8Array(n);
    const ids: number[] = [];
    const unitIndex = new Map<string, number>();
    const township = new Map<string, number>();
    const townshipCount = new Array<number>(DISTRICTS.length).fill(0);
    const villageIndex = new Map<string, number>();
    const villageCount = new Map<number, number>();
    const g = this.grid;
    for (let j = 1; j < g.ny - 1; j++) {
      for (let i = 1; i < g.nx - 1; i++) {
        const x = g.cx(i);
        const y = g.cy(j);
        const d = this.shape.district(x, y);
        if (d < 0) continue;
        const id = g.id(i, j);
        ids.push(id);
        this.district[id] = d;
        this.classifyCell(id, i, j, x, y);
        // Plan unit: 3.2 km blocks inside development boundaries, 10 km blocks elsewhere.
        const urban = (this.flags[id] & F_CZK) !== 0;
        const b = urban ? 3.2 : 10;
        const key = `${d}:${urban ? 'U' : 'R'}:${Math.floor(x / b)}:${Math.floor(y / b)}`;
        let u = unitIndex.get(key);
        if (u === undefined) {
          u = this.units.length;
          unitIndex.set(key, u);
          this.units.push({ no: 0, district: d, urban, dybh: '', dymc: '', minRel: Infinity, cells: 0 });
        }
        this.unit[id] = u;
        this.units[u].cells++;
        this.units[u].minRel = Math.min(this.units[u].minRel, this.rel[id]);
        // 坐落单位: township = 8 km block, village = 2 km block, numbered in scan order.
        const tKey = `${d}:${Math.floor(x / 8)}:${Math.floor(y / 8)}`;
        let t = township.get(tKey);
        if (t === undefined) township.set(tKey, (t = ++townshipCount[d]));
        const vKey = `${tKey}:${Math.floor(x / 2)}:${Math.floor(y / 2)}`;
        let v = villageIndex.get(vKey);
        if (v === undefined) {
          const tId = d * 1000 + t;
          const k = (villageCount.get(tId) ?? 0) + 1;
          villageCount.set(tId, k);
          v = this.villages.length;
          villageIndex.set(vKey, v);
          this.villages.push(`${DISTRICTS[d].code}${pad(t, 3)}${pad(k, 3)}`);
        }
        this.village[id] = v;
      }
    }
    this.inside = Int32Array.from(ids);
    this.numberUnits();
  }

  private classifyCell(id: number, i: number, j: number, x: number, y: number): void {
    const m = this.model;
    const half = 0.55 * this.grid.size;
    const { core, rel } = m.urban(x, y);
    this.core[id] = rel < 1.6 ? core : -1;
    this.rel[id] = rel;
    if (rel < 1) this.flags[id] |= F_CZK;
    const rd = m.riverDist(x, y);
    const h = m.height(x, y, rd);
    this.height[id] = h;
    const u = rand(this.seed, S_CLASS, i, j);
    const w = m.water(x, y, half);
    let k: number;
    if (w >= 0) {
      this.water[id] = w;
      k = cls(WATERS[w].dlbm);
    } else if (m.distToAirport(x, y) < Math.max(1.6, half)) {
      k = C_AIRPORT;
    } else if (m.scenic(x, y)) {
      this.flags[id] |= F_SCENIC;
      k = this.from(M.scenic, u);
    } else if (rel < 0.8 + 0.12 * m.urbanNoise.value(x, y)) {
      this.flags[id] |= F_BUILT;
      const c = CORES[core];
      const ind = m.industryNoise.value(x, y) > 0.45 - 0.8 * c.ind && rel > 0.35 && rand(this.seed, S_INDUSTRY, i, j) < 0.85;
      if (ind) k = C_INDUSTRY;
      else if (c.r < 2) k = this.from(M.town, u);
      else k = this.from(rel < 0.35 && c.r > 4 ? M.centre : rel < 0.6 ? M.mid : M.outer, u);
    } else if (h < 0.33) {
      k = this.from(rel < 1.5 ? M.fringe : m.farmNoise.value(x, y) > -0.15 ? M.plainFarm : M.plainMixed, u);
    } else if (h < 0.58) {
      k = this.from(M.hill, u);
    } else {
      k = this.from(M.mountain, u);
    }
    this.cls[id] = k;
    const built = (this.flags[id] & F_BUILT) !== 0;
    if (rel > 1.15 && ((isForestOrGrass(k) && h > 0.6 && m.ecoNoise.value(x, y) > 0.15) || w === W_QIANDAO)) this.flags[id] |= F_ECO;
    if (h > 0.68 && w < 0 && !built && m.hazardNoise.value(x, y) > 0.45) this.flags[id] |= F_DZX;
  }

  private from(mn: { classes: number[]; weights: number[] }, u: number): number {
    return mn.classes[pick(mn.weights, u)];
  }

  /** Unit numbers per district: urban units first, then rural, each in scan order. */
  private numberUnits(): void {
    const count = new Map<string, number>();
    for (const kind of [true, false]) {
      for (const u of this.units) {
        if (u.urban !== kind) continue;
        const key = `${u.district}:${kind}`;
        const no = (count.get(key) ?? 0) + 1;
        count.set(key, no);
        const d = DISTRICTS[u.district];
        u.no = no;
        u.dybh = `${d.code}${kind ? 'CZ' : 'XC'}${pad(no, 3)}`;
        u.dymc = kind ? `${d.name}-${pad(no, 2)}单元` : `${d.name}-乡村${pad(no, 2)}单元`;
      }
    }
  }

  dlbm(id: number): string {
    return CLASSES[this.cls[id]].dlbm;
  }

  /** 19-digit 坐落单位代码: village code + 0000000. */
  zldwdm(id: number): string {
    return `${this.villages[this.village[id]]}0000000`;
  }

  i(id: number): number {
    return id % this.grid.nx;
  }

  j(id: number): number {
    return Math.floor(id / this.grid.nx);
  }

  has(id: number, flag: number): boolean {
    return (this.flags[id] & flag) !== 0;
  }
}

export function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}
