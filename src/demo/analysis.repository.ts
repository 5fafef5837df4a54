// All SQL of the demo city's analysis (analysis.ts): cells and core shapes go into temporary tables
// (dropped at COMMIT), and PostGIS unions them into the layers that are unions of cells — plan
// units, districts, water bodies, development boundaries, farmland zones, red lines, industrial
// land. Every union comes back as WKB keyed by its group, in a stable order (same seed ⇒ same bytes).
import type { Queryable } from '../db/index.ts';
import { CopyBatch, toBuffer } from './features.ts';

export interface Unioned {
  key: number;
  wkb: Buffer;
}

async function unions(tx: Queryable, sql: string): Promise<Unioned[]> {
  const r = await tx.query<{ key: number; wkb: unknown }>(sql);
  return r.rows.filter((row) => row.wkb !== null).map((row) => ({ key: Number(row.key), wkb: toBuffer(row.wkb) }));
}

/** The cell and core-shape tables, and COPY writers for them (rows: tab-separated, geometry as hex WKB). */
export async function createCellTables(tx: Queryable): Promise<{ cells: CopyBatch; stars: CopyBatch }> {
  await tx.exec(`CREATE TEMP TABLE demo_cell (id int PRIMARY KEY, d smallint NOT NULL, unit int NOT NULL, water smallint,
        eco boolean NOT NULL, dzx boolean NOT NULL, ind smallint, cult boolean NOT NULL, geom geometry NOT NULL) ON COMMIT DROP;
      CREATE TEMP TABLE demo_star (core int NOT NULL, geom geometry NOT NULL) ON COMMIT DROP;`);
  return {
    cells: new CopyBatch(tx, 'demo_cell', ['id', 'd', 'unit', 'water', 'eco', 'dzx', 'ind', 'cult', 'geom']),
    stars: new CopyBatch(tx, 'demo_star', ['core', 'geom']),
  };
}

/** Plan units (key = unit) and districts (key = district), each the union of its cells. */
export async function unitsAndDistricts(tx: Queryable): Promise<{ units: Unioned[]; xzq: Unioned[] }> {
  await tx.exec(`CREATE TEMP TABLE demo_unit ON COMMIT DROP AS
      SELECT unit, min(d) AS d, ST_Union(geom ORDER BY id) AS geom FROM demo_cell GROUP BY unit;`);
  const units = await unions(tx, `SELECT unit AS key, ST_AsBinary(geom) AS wkb FROM demo_unit ORDER BY unit`);
  const xzq = await unions(tx, `SELECT d AS key, ST_AsBinary(ST_Union(geom ORDER BY unit)) AS wkb FROM demo_unit GROUP BY d ORDER BY d`);
  return { units, xzq };
}

/**
 * Water bodies (key = water body), and the development boundaries: the union of the cores' star
 * shapes minus rivers and lakes, clipped to the city (a core's star may reach past the outer
 * districts; 成果质检 rule CZKFBJ.within-XZQ refuses a boundary outside the 行政区), one feature per part of at least `minPartDeg2` (square degrees),
 * largest first (key = rank).
 */
export async function waterAndBoundaries(tx: Queryable, minPartDeg2: number): Promise<{ water: Unioned[]; czk: Unioned[] }> {
  await tx.exec(`CREATE TEMP TABLE demo_water ON COMMIT DROP AS
      SELECT water, ST_Union(geom ORDER BY id) AS geom FROM demo_cell WHERE water IS NOT NULL GROUP BY water;`);
  const water = await unions(tx, `SELECT water AS key, ST_AsBinary(geom) AS wkb FROM demo_water ORDER BY water`);
  await tx.exec(`CREATE TEMP TABLE demo_czk ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY ST_Area(g) DESC, ST_XMin(g), ST_YMin(g))::int AS n, g AS geom FROM (
        SELECT (ST_Dump(ST_CollectionExtract(ST_Intersection(ST_Difference(ST_Union(geom ORDER BY core),
          coalesce((SELECT ST_Union(geom ORDER BY water) FROM demo_water), 'POLYGON EMPTY'::geometry)),
          (SELECT ST_Union(geom ORDER BY unit) FROM demo_unit)), 3))).geom AS g
        FROM demo_star) s
      WHERE ST_Area(g) > ${Number(minPartDeg2)};
      CREATE TEMP TABLE demo_czk_part ON COMMIT DROP AS SELECT n, ST_Subdivide(geom, 128) AS geom FROM demo_czk;
      CREATE INDEX ON demo_czk_part USING gist (geom);
      ANALYZE demo_czk_part;`);
  const czk = await unions(tx, `SELECT n AS key, ST_AsBinary(geom) AS wkb FROM demo_czk ORDER BY n`);
  return { water, czk };
}

/**
 * 图斑面积 of every cell: the ellipsoidal area (CGCS2000) rounded to 0.01 m² as 三调 states it — the
 * measure 成果质检 rule DLTB.TBMJ checks (onemap_area, decision 0011). Key = cell id, value in m².
 */
export async function cellAreas(tx: Queryable): Promise<Map<number, number>> {
  const r = await tx.query<{ id: number; m2: string }>(
    `SELECT id, round(onemap_area(ST_SetSRID(geom, 4490))::numeric, 2)::text AS m2 FROM demo_cell ORDER BY id`,
  );
  return new Map(r.rows.map((x) => [Number(x.id), Number(x.m2)]));
}

/** Cultivated cells whose interior overlaps a development boundary. */
export async function cultivatedInBoundary(tx: Queryable): Promise<Set<number>> {
  const r = await tx.query<{ id: number }>(`SELECT c.id FROM demo_cell c WHERE c.cult AND EXISTS (
          SELECT 1 FROM demo_czk_part z WHERE z.geom && c.geom AND ST_Relate(c.geom, z.geom, 'T********'))`);
  return new Set(r.rows.map((x) => x.id));
}

/** The farmland designation table and its COPY writer (id, gbz group, lss group, in 耕地保护红线). */
export async function createFarmTable(tx: Queryable): Promise<CopyBatch> {
  await tx.exec(`CREATE TEMP TABLE demo_farm (id int PRIMARY KEY, gbz int, lss int, gdb boolean NOT NULL) ON COMMIT DROP`);
  return new CopyBatch(tx, 'demo_farm', ['id', 'gbz', 'lss', 'gdb']);
}

/** 耕地保护红线 per district, 高标准农田 and 粮食生产功能区 per group. */
export async function farmUnions(tx: Queryable): Promise<{ gdb: Unioned[]; gbz: Unioned[]; lss: Unioned[] }> {
  const farmUnion = (col: string, where: string) =>
    unions(
      tx,
      `SELECT ${col} AS key, ST_AsBinary(ST_Union(c.geom ORDER BY c.id)) AS wkb FROM demo_farm f JOIN demo_cell c USING (id)
        WHERE ${where} GROUP BY ${col} ORDER BY ${col}`,
    );
  return {
    gdb: await farmUnion('c.d', 'f.gdb'),
    gbz: await farmUnion('f.gbz', 'f.gbz IS NOT NULL'),
    lss: await farmUnion('f.lss', 'f.lss IS NOT NULL'),
  };
}

/** The parts (key = district) of the cells flagged `flag` (eco: 生态保护红线, dzx: 地质灾害), at least `minPartDeg2` each. */
export function flaggedParts(tx: Queryable, flag: 'eco' | 'dzx', minPartDeg2: number): Promise<Unioned[]> {
  return unions(
    tx,
    `SELECT d AS key, ST_AsBinary(g) AS wkb FROM (
         SELECT d, (ST_Dump(ST_Union(geom ORDER BY id))).geom AS g FROM demo_cell WHERE ${flag} GROUP BY d) s
        WHERE ST_Area(g) >= ${Number(minPartDeg2)} ORDER BY d, ST_Area(g) DESC, ST_XMin(g), ST_YMin(g)`,
  );
}

/** Industrial land inside the development boundaries, per core (key = core). */
export function industry(tx: Queryable): Promise<Unioned[]> {
  return unions(
    tx,
    `SELECT ind AS key, ST_AsBinary(ST_Union(geom ORDER BY id)) AS wkb FROM demo_cell
      WHERE ind IS NOT NULL GROUP BY ind ORDER BY ind`,
  );
}

/** Drops the temporary tables before COMMIT (they would go at COMMIT anyway; this frees them at once). */
export async function dropTables(tx: Queryable): Promise<void> {
  await tx.exec('DROP TABLE demo_czk_part, demo_czk, demo_farm, demo_water, demo_unit, demo_star, demo_cell');
}
