// Farmland designations on cultivated cells (domain.md §5, §7): 永久基本农田 (YJJBNT) = most
// cultivated land outside the development boundaries (plus a few deliberate conflicts inside),
// 高标准农田 (GBZNT) and 粮食生产功能区 (LSSCGNQ) each cover 95% of it (different 5%), so the
// 多田套合 rate comes out near 90%; 永农储备区 (YNCBQ) = some cultivated land not yet designated;
// 耕地保护红线 (GDBHHX) = permanent farmland plus all cultivated land outside the boundaries.
import type { City } from './classify.ts';
import { pad } from './classify.ts';
import type { Unioned } from './analysis.repository.ts';
import { CLASSES, isCultivated } from './classes.ts';
import { polygon, type DemoFeature } from './features.ts';
import { DISTRICTS } from './districts.ts';
import { rand } from './prng.ts';

export const FARM_YJJ = 1;
export const FARM_GBZ = 2;
export const FARM_LSS = 4;
export const FARM_YNCB = 8;
export const FARM_GDB = 16;

export interface FarmGroup {
  district: number;
  /** Cells in the group (used only for naming and the SQL union). */
  cells: number;
  year: number;
}

export interface FarmGroups {
  /** Per cell id: GBZNT / LSSCGNQ group index, or -1. */
  gbz: Map<number, number>;
  lss: Map<number, number>;
  gbzGroups: FarmGroup[];
  lssGroups: FarmGroup[];
}

const S_YJJ = 401;
const S_GBZ = 402;
const S_LSS = 403;
const S_YNCB = 404;
const S_YEAR = 405;

/** Marks city.farm for every cultivated cell; `inBoundary` = cells overlapping a development boundary. */
export function designateFarmland(city: City, inBoundary: Set<number>): FarmGroups {
  const seed = city.seed;
  const out: FarmGroups = { gbz: new Map(), lss: new Map(), gbzGroups: [], lssGroups: [] };
  const gbzKey = new Map<string, number>();
  const lssKey = new Map<string, number>();
  const g = city.grid;
  const offset = Math.floor(rand(seed, S_GBZ, -1) * 20);
  let nYjj = 0;
  for (const id of city.inside) {
    if (!isCultivated(city.cls[id])) continue;
    const conflict = inBoundary.has(id);
    const r = rand(seed, S_YJJ, id);
    const yjj = conflict ? r < 0.06 : r < 0.86;
    let f = 0;
    if (yjj) f |= FARM_YJJ;
    if (yjj || !conflict) f |= FARM_GDB;
    if (yjj) {
      // Every 20th permanent-farmland patch lacks high-standard works, another every 20th lies
      // outside a grain zone: 多田套合 = 90% however few patches there are.
      const m = (nYjj++ + offset) % 20;
      if (m !== 0) f |= FARM_GBZ;
      if (m !== 10) f |= FARM_LSS;
    } else if (!conflict) {
      if (rand(seed, S_GBZ, id) < 0.25) f |= FARM_GBZ;
      if (rand(seed, S_LSS, id) < 0.15) f |= FARM_LSS;
    }
    if (!yjj && !conflict && rand(seed, S_YNCB, id) < 0.3) f |= FARM_YNCB;
    city.farm[id] = f;
    const d = city.district[id];
    const x = g.cx(city.i(id));
    const y = g.cy(city.j(id));
    if (f & FARM_GBZ) out.gbz.set(id, group(gbzKey, out.gbzGroups, `${d}:${Math.floor(x / 3)}:${Math.floor(y / 3)}`, d, seed));
    if (f & FARM_LSS) out.lss.set(id, group(lssKey, out.lssGroups, `${d}:${Math.floor(x / 5)}:${Math.floor(y / 5)}`, d, seed));
  }
  // Coarse grids have few cultivated cells: make sure the reserve is never empty.
  if (!city.inside.some((id) => city.farm[id] & FARM_YNCB)) {
    const spare = city.inside.find((id) => isCultivated(city.cls[id]) && !(city.farm[id] & FARM_YJJ));
    if (spare !== undefined) city.farm[spare] |= FARM_YNCB;
  }
  return out;
}

function group(index: Map<string, number>, groups: FarmGroup[], key: string, district: number, seed: number): number {
  let k = index.get(key);
  if (k === undefined) {
    k = groups.length;
    index.set(key, k);
    groups.push({ district, cells: 0, year: 2011 + Math.floor(rand(seed, S_YEAR, k) * 14) });
  }
  groups[k].cells++;
  return k;
}

/** Per-district running numbers for names and codes. */
export function numberer(): (district: number) => number {
  const count = new Array<number>(DISTRICTS.length).fill(0);
  return (d) => ++count[d];
}

/** The cells of one farmland kind (flag), each numbered: district code, tag, running number of `digits`. */
function* numberedCells(city: City, flag: number, tag: string, digits: number): Generator<{ id: number; bh: string }> {
  const next = numberer();
  for (const id of city.inside) {
    if (!(city.farm[id] & flag)) continue;
    const d = city.district[id];
    yield { id, bh: `${DISTRICTS[d].code}${tag}${pad(next(d), digits)}` };
  }
}

export function* yjjbnt(city: City): Generator<DemoFeature> {
  for (const { id, bh } of numberedCells(city, FARM_YJJ, 'JB', 6)) {
    yield {
      fid: bh,
      geometry: polygon(city.grid.cellRing(city.i(id), city.j(id))),
      props: { BHTBBH: bh, DLBM: CLASSES[city.cls[id]].dlbm, ZLDWDM: city.zldwdm(id) },
    };
  }
}

export function* yncbq(city: City): Generator<DemoFeature> {
  for (const { id, bh } of numberedCells(city, FARM_YNCB, 'CB', 5))
    yield { fid: bh, geometry: polygon(city.grid.cellRing(city.i(id), city.j(id))), props: { CBQBH: bh, ZLDWDM: city.zldwdm(id) } };
}

/** One feature per unioned group: its group, district and running number within the district. */
function numberedGroups(
  unioned: Unioned[],
  groups: FarmGroup[],
  feature: (u: Unioned, g: FarmGroup, d: (typeof DISTRICTS)[number], n: number) => DemoFeature,
): DemoFeature[] {
  const next = numberer();
  return unioned.map((u) => {
    const g = groups[u.key];
    return feature(u, g, DISTRICTS[g.district], next(g.district));
  });
}

export function gbznt(a: { gbz: Unioned[]; farm: FarmGroups }): DemoFeature[] {
  return numberedGroups(a.gbz, a.farm.gbzGroups, (u, g, d, n) => ({
    fid: `${d.code}GB${pad(n, 4)}`,
    wkb: u.wkb,
    props: { XMMC: `${d.name}${g.year}年度高标准农田建设项目（${n}号片区）`, JSND: g.year },
  }));
}

export function lsscgnq(a: { lss: Unioned[]; farm: FarmGroups }): DemoFeature[] {
  return numberedGroups(a.lss, a.farm.lssGroups, (u, _g, d, n) => {
    const bh = `${d.code}LS${pad(n, 3)}`;
    return { fid: bh, wkb: u.wkb, props: { GNQBH: bh, GNQMC: `${d.short}${n}号粮食生产功能区` } };
  });
}
