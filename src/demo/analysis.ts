// The PostGIS half of the generator: every layer that is a union of cells (districts, plan units,
// control lines, farmland zones, water bodies) is computed by ST_Union in the database, never in
// JS. Cells go into a temporary table with their grouping keys; one transaction returns all the
// unions as WKB, ready to be imported like any other features.
import type { Db, Queryable } from '../db/index.ts';
import type { City } from './classify.ts';
import { F_DZX, F_ECO, F_CZK } from './classify.ts';
import { CORES } from './model.ts';
import { isCultivated, cls } from './classes.ts';
import { designateFarmland, type FarmGroups } from './farmland.ts';
import { CopyBatch, hexPolygon, toBuffer } from './features.ts';
import { KM_PER_DEG_LAT, KM_PER_DEG_LON } from './geo.ts';
import { rand } from './prng.ts';

export interface Unioned {
  key: number;
  wkb: Buffer;
}

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
}

const S_JAG = 501;
const C_INDUSTRY = cls('0601');

export async function analyse(db: Db, city: City, step: (msg: string) => void): Promise<Analysis> {
  const cellDeg2 = (city.grid.size / KM_PER_DEG_LON) * (city.grid.size / KM_PER_DEG_LAT);
  return db.transaction(async (tx) => {
    step('cells → PostGIS');
    await tx.exec(`CREATE TEMP TABLE demo_cell (id int PRIMARY KEY, d smallint NOT NULL, unit int NOT NULL, water smallint,
        eco boolean NOT NULL, dzx boolean NOT NULL, ind smallint, cult boolean NOT NULL, geom geometry NOT NULL) ON COMMIT DROP;
      CREATE TEMP TABLE demo_star (core int NOT NULL, geom geometry NOT NULL) ON COMMIT DROP;`);
    const cells = new CopyBatch(tx, 'demo_cell', ['id', 'd', 'unit', 'water', 'eco', 'dzx', 'ind', 'cult', 'geom']);
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
    const stars = new CopyBatch(tx, 'demo_star', ['core', 'geom']);
    for (let c = 0; c < CORES.length; c++)
      await stars.add(`${c}\t${hexPolygon(city.model.coreRing(c, (k) => rand(city.seed, S_JAG, c, k)))}\n`);
    await stars.flush();

    step('plan units and districts (ST_Union)');
    await tx.exec(`CREATE TEMP TABLE demo_unit ON COMMIT DROP AS
      SELECT unit, min(d) AS d, ST_Union(geom ORDER BY id) AS geom FROM demo_cell GROUP BY unit;`);
    const units = await unions(tx, `SELECT unit AS key, ST_AsBinary(geom) AS wkb FROM demo_unit ORDER BY unit`);
    const xzq = await unions(tx, `SELECT d AS key, ST_AsBinary(ST_Union(geom ORDER BY unit)) AS wkb FROM demo_unit GROUP BY d ORDER BY d`);

    step('water bodies and development boundaries');
    await tx.exec(`CREATE TEMP TABLE demo_water ON COMMIT DROP AS
      SELECT water, ST_Union(geom ORDER BY id) AS geom FROM demo_cell WHERE water IS NOT NULL GROUP BY water;`);
    const water = await unions(tx, `SELECT water AS key, ST_AsBinary(geom) AS wkb FROM demo_water ORDER BY water`);
    // Boundaries: union of the cores' star shapes, minus rivers and lakes, one feature per part.
    await tx.exec(`CREATE TEMP TABLE demo_czk ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY ST_Area(g) DESC, ST_XMin(g), ST_YMin(g))::int AS n, g AS geom FROM (
        SELECT (ST_Dump(ST_Difference(ST_Union(geom ORDER BY core),
          coalesce((SELECT ST_Union(geom ORDER BY water) FROM demo_water), 'POLYGON EMPTY'::geometry)))).geom AS g
        FROM demo_star) s
      WHERE ST_Area(g) > ${cellDeg2 * 0.02};
      CREATE TEMP TABLE demo_czk_part ON COMMIT DROP AS SELECT n, ST_Subdivide(geom, 128) AS geom FROM demo_czk;
      CREATE INDEX ON demo_czk_part USING gist (geom);
      ANALYZE demo_czk_part;`);
    const czk = await unions(tx, `SELECT n AS key, ST_AsBinary(geom) AS wkb FROM demo_czk ORDER BY n`);

    step('farmland designations');
    const inBoundary = new Set(
      (
        await tx.query<{ id: number }>(`SELECT c.id FROM demo_cell c WHERE c.cult AND EXISTS (
          SELECT 1 FROM demo_czk_part z WHERE z.geom && c.geom AND ST_Relate(c.geom, z.geom, 'T********'))`)
      ).rows.map((r) => r.id),
    );
    const farm = designateFarmland(city, inBoundary);
    await tx.exec(`CREATE TEMP TABLE demo_farm (id int PRIMARY KEY, gbz int, lss int, gdb boolean NOT NULL) ON COMMIT DROP`);
    const fb = new CopyBatch(tx, 'demo_farm', ['id', 'gbz', 'lss', 'gdb']);
    for (const id of city.inside) {
      const f = city.farm[id];
      if (!f) continue;
      await fb.add(`${id}\t${farm.gbz.get(id) ?? '\\N'}\t${farm.lss.get(id) ?? '\\N'}\t${(f & 16) !== 0}\n`);
    }
    await fb.flush();
    const farmUnion = (col: string, where: string) =>
      unions(
        tx,
        `SELECT ${col} AS key, ST_AsBinary(ST_Union(c.geom ORDER BY c.id)) AS wkb FROM demo_farm f JOIN demo_cell c USING (id)
        WHERE ${where} GROUP BY ${col} ORDER BY ${col}`,
      );
    const gdb = await farmUnion('c.d', 'f.gdb');
    const gbz = await farmUnion('f.gbz', 'f.gbz IS NOT NULL');
    const lss = await farmUnion('f.lss', 'f.lss IS NOT NULL');

    step('ecological red line, hazard zones, industrial land');
    const parts = (flag: string, minCells: number) =>
      unions(
        tx,
        `SELECT d AS key, ST_AsBinary(g) AS wkb FROM (
         SELECT d, (ST_Dump(ST_Union(geom ORDER BY id))).geom AS g FROM demo_cell WHERE ${flag} GROUP BY d) s
        WHERE ST_Area(g) >= ${cellDeg2 * minCells * 0.9} ORDER BY d, ST_Area(g) DESC, ST_XMin(g), ST_YMin(g)`,
      );
    const eco = await parts('eco', 3);
    const dzx = await parts('dzx', 2);
    const industry = await unions(
      tx,
      `SELECT ind AS key, ST_AsBinary(ST_Union(geom ORDER BY id)) AS wkb FROM demo_cell
      WHERE ind IS NOT NULL GROUP BY ind ORDER BY ind`,
    );
    await tx.exec('DROP TABLE demo_czk_part, demo_czk, demo_farm, demo_water, demo_unit, demo_star, demo_cell');
    return { xzq, units, water, czk, eco, dzx, industry, gdb, gbz, lss, farm };
  });
}

async function unions(tx: Queryable, sql: string): Promise<Unioned[]> {
  const r = await tx.query<{ key: number; wkb: unknown }>(sql);
  return r.rows.filter((row) => row.wkb !== null).map((row) => ({ key: Number(row.key), wkb: toBuffer(row.wkb) }));
}
