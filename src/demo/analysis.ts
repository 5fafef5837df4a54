// The PostGIS half of the generator: every layer that is a union of cells (districts, plan units,
// control lines, farmland zones, water bodies) is computed by ST_Union in the database, never in
// JS. Cells go into a temporary table with their grouping keys; one transaction returns all the
// unions as WKB, ready to be imported like any other features. SQL in analysis.repository.ts.
import type { Db } from '../db/index.ts';
import type { City } from './classify.ts';
import { F_DZX, F_ECO, F_CZK } from './classify.ts';
import { CORES } from './model.ts';
import { isCultivated, cls } from './classes.ts';
import { designateFarmland, type FarmGroups } from './farmland.ts';
import { hexPolygon } from './features.ts';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON } from './geo.ts';
import { rand } from './prng.ts';
import * as repo from './analysis.repository.ts';

export type { Unioned } from './analysis.repository.ts';
type Unioned = repo.Unioned;

export interface Analysis {
  xzq: Unioned[];
  units: Unioned[];
  water: Unioned[];
  czk: Unioned[];
  /** key = district; several parts per district. */
  eco: Unioned[];
  dzx: Unioned[];
  /** key = core. */
  industry: Unioned[];
  /** key = district. */
  gdb: Unioned[];
  gbz: Unioned[];
  lss: Unioned[];
  farm: FarmGroups;
  /** 图斑面积 (m², ellipsoidal, 0.01 m²) per cell id, for DLTB.TBMJ. */
  tbmj: Map<number, number>;
}

const S_JAG = 501;
const C_INDUSTRY = cls('0601');

export async function analyse(db: Db, city: City, step: (msg: string) => void): Promise<Analysis> {
  const cellDeg2 = (city.grid.size / KM_PER_DEG_LON) * (city.grid.size / KM_PER_DEG_LAT);
  return db.transaction(async (tx) => {
    step('cells → PostGIS');
    const { cells, stars } = await repo.createCellTables(tx);
    for (const id of city.inside) {
      const k = city.cls[id];
      const w = city.water[id];
      const ind = k === C_INDUSTRY && city.has(id, F_CZK) && city.core[id] >= 0 ? String(city.core[id]) : '\\N';
      await cells.add(
        `${id}\t${city.district[id]}\t${city.unit[id]}\t${w >= 0 ? w : '\\N'}\t${city.has(id, F_ECO)}\t${city.has(id, F_DZX)}\t${ind}\t` +
          `${isCultivated(k)}\t${hexPolygon(city.grid.cellRing(city.i(id), city.j(id)))}\n`,
      );
    }
    await cells.flush();
    for (let c = 0; c < CORES.length; c++)
      await stars.add(`${c}\t${hexPolygon(city.model.coreRing(c, (k) => rand(city.seed, S_JAG, c, k)))}\n`);
    await stars.flush();

    step('plan units and districts (ST_Union)');
    const { units, xzq } = await repo.unitsAndDistricts(tx);
    const tbmj = await repo.cellAreas(tx);

    step('water bodies and development boundaries');
    // Boundary parts under 2 % of a cell are left out.
    const { water, czk } = await repo.waterAndBoundaries(tx, cellDeg2 * 0.02);

    step('farmland designations');
    const farm = designateFarmland(city, await repo.cultivatedInBoundary(tx));
    const fb = await repo.createFarmTable(tx);
    for (const id of city.inside) {
      const f = city.farm[id];
      if (!f) continue;
      await fb.add(`${id}\t${farm.gbz.get(id) ?? '\\N'}\t${farm.lss.get(id) ?? '\\N'}\t${(f & 16) !== 0}\n`);
    }
    await fb.flush();
    const { gdb, gbz, lss } = await repo.farmUnions(tx);

    step('ecological red line, hazard zones, industrial land');
    // A part counts from 3 cells (red line) or 2 cells (hazard zone), less 10 %.
    const eco = await repo.flaggedParts(tx, 'eco', cellDeg2 * 3 * 0.9);
    const dzx = await repo.flaggedParts(tx, 'dzx', cellDeg2 * 2 * 0.9);
    const industry = await repo.industry(tx);
    await repo.dropTables(tx);
    return { xzq, units, water, czk, eco, dzx, industry, gdb, gbz, lss, farm, tbmj };
  });
}
