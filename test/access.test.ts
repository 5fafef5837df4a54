// 15-minute life circle on every test database, over the hand-made town of fixtures/access
// (its README works every expected figure out by hand): network building (noding, tolerance,
// walkability, islands), network distances and reachable sets, snapping limits and water,
// coverage per type / all types / district / population, what-if, isochrones, and runs stored
// with the versions they read.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import { importFile, importFromReader } from '../src/importers/pipeline.ts';
import { buildNetwork } from '../src/access/network.ts';
import { Dijkstra } from '../src/access/dijkstra.ts';
import {
  accessContext,
  runCoverage,
  whatIf,
  isochrones,
  uncoveredGeoJson,
  getRun,
  type RunSummary,
  type AccessContext,
} from '../src/access/access.service.ts';
import type { Db } from '../src/db/index.ts';

const E0 = 500_000;
const N0 = 3_340_000;
const TOWN = 'fixtures/access/town';
/** The README's main scenario: three types at 100 m/min, max snap 50 m. */
const SCENARIO = { types: ['小学', '幼儿园', '菜市场'], budgets: { 小学: 4.5, 幼儿园: 2.5, 菜市场: 2 }, walkSpeedKmH: 6, maxSnapM: 50 };

const near = (actual: number, expected: number, tol = 0.01, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≉ ${expected}`);

/** Local fixture metres → lon/lat (EPSG:4549 → 4490 in PostGIS). */
async function lonLat(db: Db, x: number, y: number): Promise<[number, number]> {
  const r = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4549), 4490) AS p) s`,
    [E0 + x, N0 + y],
  );
  return [r.rows[0].lon, r.rows[0].lat];
}

/** Node ids of a network by local coordinates rounded to the metre: "x,y" → id. */
async function nodesByXY(db: Db, networkId: number): Promise<Map<string, number>> {
  const r = await db.query<{ id: number; x: number; y: number }>(
    `SELECT id, ST_X(t) - ${E0} AS x, ST_Y(t) - ${N0} AS y FROM (SELECT id, ST_Transform(geom, 4549) AS t FROM access_node WHERE network_id = $1) s`,
    [networkId],
  );
  return new Map(r.rows.map((n) => [`${Math.round(n.x)},${Math.round(n.y)}`, n.id]));
}

async function importTown(db: Db, config: Parameters<typeof importFile>[1]) {
  for (const [file, layer] of [
    ['bxwl', 'BXWL'],
    ['ggfwss', 'GGFWSS'],
    ['zd', 'ZD'],
    ['lanx', 'LANX'],
    ['xzq', 'XZQ'],
  ]) {
    await importFile(db, config, `${TOWN}/${file}.geojson`, { layer });
  }
}

const byType = (s: RunSummary, t: string) => s.byType.find((x) => x.type === t)!;

for (const tdb of testDatabases()) {
  describe(`15-minute life circle on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let ctx: AccessContext;
    let run: RunSummary;
    before(async () => {
      h = await tdb.open();
      ctx = accessContext(h.db);
      await importTown(h.db, h.config);
    });
    after(async () => {
      await h.close();
    });

    test('network: lines are noded, the near-miss spur joined, the expressway not walkable, the island reported', async () => {
      const n = await buildNetwork(h.db);
      assert.equal(n.reused, false);
      assert.deepEqual([n.layer, n.layerVersion], ['BXWL', 1]);
      assert.deepEqual([n.nodes, n.edges, n.walkableEdges, n.components, n.deadEnds], [22, 29, 28, 2, 4]);
      near(n.walkableLengthM, 2989.5, 0.02, 'walkable length');
      assert.deepEqual([n.mainComponent!.nodes, n.mainComponent!.edges], [19, 26]);
      assert.equal(n.islands.count, 1);
      const island = n.islands.largest[0];
      assert.deepEqual([island.nodes, island.edges], [3, 2]);
      near(island.lengthM, 200, 0.01, 'island length');
      near(island.centre![0], 120.0114, 0.0002, 'island lon');
      // R2 is cut at the spur's foot (250,200) into 5 pieces; the expressway crosses G(200,100) without a junction.
      const pieces = await h.db.query<{ fid: string; n: number }>(
        `SELECT fid, count(*)::int AS n FROM access_edge WHERE network_id = $1 GROUP BY fid ORDER BY fid`,
        [n.networkVersion],
      );
      assert.deepEqual(Object.fromEntries(pieces.rows.map((r) => [r.fid, r.n])), {
        B: 1,
        C0: 2,
        C1: 2,
        C2: 2,
        C3: 2,
        C4: 2,
        I1: 1,
        I2: 1,
        R0: 4,
        R1: 4,
        R2: 5,
        RS: 1,
        S: 1,
        X: 1,
      });
      const ids = await nodesByXY(h.db, n.networkVersion);
      const deg = await h.db.query<{ degree: number }>(`SELECT degree FROM access_node WHERE network_id = $1 AND id = $2`, [
        n.networkVersion,
        ids.get('200,100'),
      ]);
      assert.equal(deg.rows[0].degree, 4, 'G(200,100) joins two rows and two columns, not the expressway');

      const again = await buildNetwork(h.db);
      assert.equal(again.reused, true);
      assert.equal(again.networkVersion, n.networkVersion);
      const strict = await buildNetwork(h.db, { toleranceM: 0.1 });
      assert.notEqual(strict.networkVersion, n.networkVersion);
      assert.deepEqual(
        [strict.walkableEdges, strict.nodes, strict.components, strict.islands.count],
        [27, 22, 3, 2],
        'with 0.1 m the spur stays apart',
      );
    });

    test('network distances and reachable sets from G(0,0)', async () => {
      const n = await buildNetwork(h.db);
      const ids = await nodesByXY(h.db, n.networkVersion);
      const g = await ctx.graphs.get(h.db, n.networkVersion);
      const d = new Dijkstra(g);
      d.run([ids.get('0,0')!], [0], Infinity);
      const dist = (key: string) => d.dist[ids.get(key)!];
      for (let x = 0; x <= 400; x += 100) for (let y = 0; y <= 200; y += 100) near(dist(`${x},${y}`), x + y, 0.01, `G(${x},${y})`);
      near(dist('400,200'), 600, 0.01, 'not the 447 m expressway');
      near(dist('0,-90'), 90, 0.01, 'N_b');
      near(dist('400,-90'), 490, 0.01, 'N_e');
      near(dist('250,200'), 450, 0.01, 'N_s');
      near(dist('250,300'), 549.5, 0.01, 'N_t');
      assert.equal(dist('1000,0'), Infinity, 'the island is unreachable');

      d.run([ids.get('0,0')!], [0], 250);
      const reached = [...d.reachedNodes()].map((id) => [...ids].find(([, v]) => v === id)![0]).sort();
      assert.deepEqual(reached, ['0,-90', '0,0', '0,100', '0,200', '100,0', '100,100', '200,0']);
    });

    test('coverage by type, all types, district and population, as worked out by hand', async () => {
      run = await runCoverage(ctx, SCENARIO);
      assert.equal(run.city.parcels, 5);
      near(run.city.residentialAreaM2, 9700, 0.1, 'residential');
      near(run.city.residentialAreaMu, 14.55, 0.01, 'residential 亩');
      near(run.city.coveredAreaM2, 3600, 0.1, 'all types');
      near(run.city.coveragePercent, 37.11, 0.005);
      assert.deepEqual([run.city.population, run.city.coveredPopulation, run.city.populationCoveragePercent], [400, 200, 50]);
      const school = byType(run, '小学');
      assert.deepEqual([school.budgetM, school.facilities, school.snappedFacilities, school.coveredParcels], [450, 2, 1, 3]);
      near(school.coveredAreaM2, 6900, 0.1, '小学');
      near(school.coveragePercent, 71.13, 0.005);
      assert.equal(school.populationCoveragePercent, 87.5);
      near(byType(run, '幼儿园').coveredAreaM2, 3600, 0.1, '幼儿园');
      assert.equal(byType(run, '幼儿园').budgetM, 250);
      near(byType(run, '菜市场').coveredAreaM2, 4800, 0.1, '菜市场');
      near(byType(run, '菜市场').coveragePercent, 49.48, 0.005);
      assert.deepEqual(
        run.byDistrict.map((d) => [d.code, d.name, d.parcels]),
        [
          ['330102', '上城区', 4],
          ['330105', '拱墅区', 1],
        ],
      );
      const [a, b] = run.byDistrict;
      near(a.residentialAreaM2, 8500, 0.1);
      near(a.coveragePercent, 42.35, 0.005);
      near(a.byType.find((t) => t.type === '小学')!.coveragePercent, 81.18, 0.005);
      assert.deepEqual(
        b.byType.map((t) => [t.type, t.coveragePercent]),
        [
          ['幼儿园', 0],
          ['小学', 0],
          ['菜市场', 100],
        ],
      );
      assert.equal(b.coveragePercent, 0);
      assert.deepEqual([run.uncoveredCount, run.unsnappedParcels], [4, 1]);

      const unc = await uncoveredGeoJson(h.db, run.runId);
      assert.deepEqual(
        unc.features.map((f) => [f.properties.fid, f.properties.missing]),
        [
          ['P1', ['幼儿园', '菜市场']],
          ['P3', ['幼儿园', '菜市场']],
          ['P4', ['幼儿园', '小学', '菜市场']],
          ['P5', ['幼儿园', '小学']],
        ],
      );
      assert.equal(unc.features[2].properties.unsnapped, true);
      assert.equal((unc.features[0].geometry as { type: string }).type, 'Polygon');
      const noSchool = await uncoveredGeoJson(h.db, run.runId, '小学');
      assert.deepEqual(
        noSchool.features.map((f) => f.properties.fid),
        ['P4', 'P5'],
      );
    });

    test('snapping: the distance limit, and never across the river', async () => {
      const legs = async (runId: number) =>
        new Map(
          (
            await h.db.query<{ fid: string; leg_m: number | null; edge: string | null }>(
              `SELECT p.fid, p.leg_m, e.fid AS edge FROM access_run_parcel p JOIN access_run r ON r.id = p.run_id
           LEFT JOIN access_edge e ON e.network_id = r.network_id AND e.id = p.edge_id WHERE p.run_id = $1`,
              [runId],
            )
          ).rows.map((r) => [r.fid, r]),
        );
      const l = await legs(run.runId);
      assert.equal(l.get('P4')!.leg_m, null, 'P4 is 80 m from the network, the limit is 50 m');
      assert.deepEqual([l.get('P3')!.edge, Math.round(l.get('P3')!.leg_m!)], ['RS', 45], 'P3 snaps to the road on its own bank');
      assert.deepEqual([l.get('P1')!.edge, Math.round(l.get('P1')!.leg_m!)], ['C0', 10]);

      const tight = await runCoverage(ctx, { ...SCENARIO, maxSnapM: 40 });
      assert.equal(tight.unsnappedParcels, 2, 'P3 and P4');
      near(byType(tight, '小学').coveredAreaM2, 6600, 0.1, 'without P3');

      const dry = await runCoverage(ctx, { ...SCENARIO, water: null });
      const ld = await legs(dry.runId);
      assert.deepEqual(
        [ld.get('P3')!.edge, Math.round(ld.get('P3')!.leg_m!)],
        ['R0', 30],
        'without the water check P3 snaps across the river',
      );
      assert.equal(dry.versions.LANX, undefined);

      const wide = await runCoverage(ctx, { ...SCENARIO, maxSnapM: 100 });
      const lw = await legs(wide.runId);
      assert.deepEqual([lw.get('P4')!.edge, Math.round(lw.get('P4')!.leg_m!)], ['C4', 80]);
      near(byType(wide, '小学').coveredAreaM2, 6900, 0.1, 'P4 snapped but 490 m from F1');
      const f2 = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM access_run_facility WHERE run_id = $1 AND fid = 'F2' AND edge_id IS NOT NULL`,
        [wide.runId],
      );
      assert.equal(f2.rows[0].n, 1, 'F2 (80 m from R2) snaps with a 100 m limit');
    });

    test("a parcel on a facility's own edge is reached along it; without the water check P3 is 180 m from F1", async () => {
      const dry = await runCoverage(ctx, { ...SCENARIO, types: ['小学'], budgets: { 小学: 1.85 }, water: null });
      assert.equal(byType(dry, '小学').budgetM, 185);
      near(byType(dry, '小学').coveredAreaM2, 3000 + 300, 0.1, 'P1 (125 m) and P3 (180 m across the river)');
      const market = await runCoverage(ctx, { ...SCENARIO, types: ['菜市场'], budgets: { 菜市场: 0.35 } });
      near(byType(market, '菜市场').coveredAreaM2, 1200, 0.1, 'P5: 10 + 0 + 20 = 30 m along edge I2 (130 m via its ends)');
    });

    test('what if: a proposed kindergarten at (30,110) gains P1', async () => {
      const at = await lonLat(h.db, 30, 110);
      const w = (await whatIf(ctx, { runId: run.runId, type: '幼儿园', points: [at] })) as Record<string, any>;
      assert.equal(w.proposed[0].snapped, true);
      near(w.proposed[0].legM, 10, 0.01, 'leg');
      near(w.gain.areaM2, 3000, 0.1, 'gain');
      near(w.gain.areaMu, 4.5, 0.01);
      near(w.after.type.coveragePercent, 68.04, 0.005);
      assert.equal(w.gain.population, 100);
      assert.equal(w.gain.allTypesAreaM2, 0, 'P1 still lacks a market');
      assert.deepEqual(
        w.newlyCovered.features.map((f: any) => f.properties.fid),
        ['P1'],
      );
      assert.deepEqual(
        w.byDistrict.map((d: any) => d.code),
        ['330102'],
      );

      const two = await runCoverage(ctx, { ...SCENARIO, types: ['小学', '幼儿园'] });
      near(two.city.coveredAreaM2, 3600, 0.1);
      const w2 = (await whatIf(ctx, { runId: two.runId, type: '幼儿园', points: [at] })) as Record<string, any>;
      near(w2.after.all.coveredAreaM2, 6600, 0.1, 'all types with the new kindergarten');

      const far = (await whatIf(ctx, { runId: run.runId, type: '幼儿园', points: [await lonLat(h.db, 700, 300)] })) as Record<string, any>;
      assert.equal(far.proposed[0].snapped, false);
      assert.equal(far.gain.areaM2, 0);
      await assert.rejects(whatIf(ctx, { runId: run.runId, type: '中学', points: [at] }), /no facility type "中学"/);
    });

    test('isochrones include partial edges and stop at the budget', async () => {
      const iso = await isochrones(ctx, { runId: run.runId, type: '菜市场', widthM: 5 });
      assert.deepEqual(
        iso.features.map((f) => f.properties.fid),
        ['F4', 'F5'],
      );
      const f5 = iso.features[1];
      const covers = async (x: number, y: number) =>
        (
          await h.db.query<{ c: boolean }>(
            `SELECT ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490), ST_Transform(ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4549), 4490)) AS c`,
            [JSON.stringify(f5.geometry), E0 + x, N0 + y],
          )
        ).rows[0].c;
      for (const [x, y] of [
        [75, 100],
        [225, 200],
        [350, 0],
        [260, 100],
      ])
        assert.equal(await covers(x, y), true, `(${x},${y}) reached`);
      for (const [x, y] of [
        [60, 100],
        [240, 200],
        [0, 0],
        [250, 215],
      ])
        assert.equal(await covers(x, y), false, `(${x},${y}) not reached`);
      const one = await isochrones(ctx, { runId: run.runId, type: '菜市场', facility: 'F4', widthM: 5 });
      assert.equal(one.features.length, 1);
      near(one.features[0].properties.areaM2 as number, 200 * 10 + Math.PI * 25, 3, 'the island, 200 m of street ± 5 m');
      await assert.rejects(isochrones(ctx, { runId: run.runId, type: '菜市场', facility: 'F1' }), /not a 菜市场/);
    });

    test('runs are stored with the network and layer versions they read', async () => {
      assert.deepEqual(run.versions, { BXWL: 1, GGFWSS: 1, ZD: 1, XZQ: 1, LANX: 1 });
      assert.deepEqual(await getRun(h.db, run.runId), run);
      const figures = await h.db.query<{ type: string; district_code: string; covered_area_m2: number }>(
        `SELECT type, district_code, covered_area_m2 FROM access_run_figure WHERE run_id = $1 ORDER BY district_code, type`,
        [run.runId],
      );
      assert.equal(figures.rows.length, 3 * 4, 'city + 2 districts × (3 types + all)');
      near(figures.rows.find((r) => r.type === '小学' && r.district_code === '')!.covered_area_m2, 6900, 0.1);

      // A new facility version: the kindergarten of the what-if is built. The new run reads GGFWSS v2 and finds the what-if's figure.
      const facilities = JSON.parse((await import('node:fs')).readFileSync(`${TOWN}/ggfwss.geojson`, 'utf8')).features.map((f: any) => ({
        fid: f.id,
        geometry: f.geometry,
        props: f.properties,
      }));
      facilities.push({
        fid: 'F6',
        geometry: { type: 'Point', coordinates: [E0 + 30, N0 + 110] },
        props: { SSMC: '新建幼儿园', SSLX: '幼儿园', SSLXDM: '0101' },
      });
      await importFromReader(h.db, h.config, memoryReader(facilities, { srid: 4549 }), { layer: 'GGFWSS' });
      const next = await runCoverage(ctx, SCENARIO);
      assert.equal(next.versions.GGFWSS, 2);
      assert.equal(next.networkVersion, run.networkVersion, 'same BXWL version, same network');
      near(byType(next, '幼儿园').coveragePercent, 68.04, 0.005);
      assert.deepEqual(await getRun(h.db, run.runId), run, 'the earlier run is unchanged');

      // A new street version gives a new network version, and the next run uses it.
      const streets = JSON.parse((await import('node:fs')).readFileSync(`${TOWN}/bxwl.geojson`, 'utf8')).features.map((f: any) => ({
        fid: f.id,
        geometry: f.geometry,
        props: f.properties,
      }));
      streets.push({
        fid: 'J',
        geometry: {
          type: 'LineString',
          coordinates: [
            [E0 + 400, N0],
            [E0 + 1000, N0],
          ],
        },
        props: { DLMC: '连接路', KBX: true },
      });
      await importFromReader(h.db, h.config, memoryReader(streets, { srid: 4549 }), { layer: 'BXWL' });
      const joined = await runCoverage(ctx, SCENARIO);
      assert.equal(joined.versions.BXWL, 2);
      assert.notEqual(joined.networkVersion, run.networkVersion);
      const net = await buildNetwork(h.db);
      assert.deepEqual([net.layerVersion, net.components, net.islands.count], [2, 1, 0], 'the island is joined');
    });

    test('residential land from planned land use (GHYD 07xx) instead of parcels', async () => {
      await importFromReader(
        h.db,
        h.config,
        memoryReader(
          [
            {
              fid: 'A',
              geometry: { type: 'Polygon', coordinates: [rect(E0 + 205, N0 + 120, 60)] },
              props: { YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地' },
            },
            {
              fid: 'B',
              geometry: { type: 'Polygon', coordinates: [rect(E0 + 10, N0 + 20, 60, 50)] },
              props: { YDYHFLDM: '0901', YDYHFLMC: '商业用地' },
            },
          ],
          { srid: 4549 },
        ),
        { layer: 'GHYD' },
      );
      const s = await runCoverage(ctx, {
        ...SCENARIO,
        types: ['幼儿园'],
        residential: { layer: 'GHYD', field: 'YDYHFLDM', pattern: '^07', populationField: null },
      });
      assert.equal(s.versions.GHYD, 1);
      assert.equal(s.city.parcels, 1);
      near(s.city.residentialAreaM2, 3600, 0.1);
      assert.equal(s.city.coveragePercent, 100);
      assert.equal(s.city.population, null);
      await assert.rejects(runCoverage(ctx, { types: ['学校'] }), /unknown facility type "学校"/);
      await assert.rejects(runCoverage(ctx, { residential: { layer: 'JC' } }), /JC has no data yet/);
    });
  });
}
