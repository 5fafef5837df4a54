// 地类图斑 (DLTB, 三调 codes) and 规划用地 (GHYD, 用地用海分类 2023): one polygon per cell.
import type { City } from './classify.ts';
import { F_BUILT, F_CZK, F_SCENIC, pad } from './classify.ts';
import { CLASSES, PLAN_NAMES, isCultivated } from './classes.ts';
import { DISTRICTS } from './districts.ts';
import { CORES } from './model.ts';
import { FARM_YJJ } from './farmland.ts';
import { pick, rand } from './prng.ts';
import { polygon, type DemoFeature } from './features.ts';

const S_PLAN = 701;
const S_GROWTH = 702;

/** State-owned land (city streets, water, urban uses) is owned at township level; the rest by the village collective. */
function qsdwdm(city: City, id: number): string {
  const g = CLASSES[city.cls[id]].group;
  const state = city.has(id, F_BUILT) || g === 'water' || g === 'road' || g === 'other';
  return state ? `${city.villages[city.village[id]].slice(0, 9)}0000000000` : city.zldwdm(id);
}

/**
 * 图斑 with their areas as 三调 states them: TBMJ the ellipsoidal area to 0.01 m² (computed by
 * PostGIS, `tbmj`), KCMJ the deducted area and TBDLMJ = TBMJ − KCMJ. The demo has no slope data,
 * so no 田坎 is deducted (KCMJ 0): TBDLMJ equals TBMJ.
 */
export function* dltb(city: City, tbmj: Map<number, number>): Generator<DemoFeature> {
  for (const id of city.inside) {
    const k = CLASSES[city.cls[id]];
    const bsm = `${DISTRICTS[city.district[id]].code}2023${pad(id, 8)}`;
    const area = tbmj.get(id);
    if (area === undefined) throw new Error(`demo: no 图斑面积 computed for cell ${id}`);
    yield {
      fid: bsm,
      geometry: polygon(city.grid.cellRing(city.i(id), city.j(id))),
      props: {
        BSM: bsm,
        DLBM: k.dlbm,
        DLMC: k.dlmc,
        ZLDWDM: city.zldwdm(id),
        QSDWDM: qsdwdm(city, id),
        TBMJ: area,
        KCMJ: 0,
        TBDLMJ: area,
      },
    };
  }
}

// Planned growth inside the development boundary on land that is not built up yet.
const GROWTH = { codes: ['0701', '1001', '0901', '0804', '1401', '1207', '16', '1208', '1303'], weights: [40, 18, 8, 5, 12, 8, 5, 2, 2] };
const GROWTH_INDUSTRIAL = { codes: GROWTH.codes, weights: [20, 45, 5, 3, 10, 8, 5, 2, 2] };

/** Planned use of a cell: current use carried over, urban growth inside the boundary. */
export function planCode(city: City, id: number): string {
  const k = CLASSES[city.cls[id]];
  const growth =
    city.has(id, F_CZK) &&
    !city.has(id, F_BUILT) &&
    !city.has(id, F_SCENIC) &&
    k.group !== 'water' &&
    k.dlbm !== '1007' &&
    !(isCultivated(city.cls[id]) && city.farm[id] & FARM_YJJ);
  if (growth) {
    const m = city.core[id] >= 0 && CORES[city.core[id]].ind > 0.5 ? GROWTH_INDUSTRIAL : GROWTH;
    return m.codes[pick(m.weights, rand(city.seed, S_GROWTH, id))];
  }
  return k.plan[Math.floor(rand(city.seed, S_PLAN, id) * k.plan.length)];
}

export function* ghyd(city: City): Generator<DemoFeature> {
  for (const id of city.inside) {
    const code = planCode(city, id);
    const unit = city.units[city.unit[id]];
    yield {
      fid: `${unit.dybh}-${pad(id, 8)}`,
      geometry: polygon(city.grid.cellRing(city.i(id), city.j(id))),
      props: { YDYHFLDM: code, YDYHFLMC: PLAN_NAMES[code], DYBH: unit.dybh },
    };
  }
}
