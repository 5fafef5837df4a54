// Counts of restricted layers cut to the reader's districts (issue 22 item 5): the layer list's
// feature counts, each version's features, area, added, removed and changed, and the figures of a
// 15-minute life-circle run — a district officer gets those of their districts, not the city's;
// staff and the public (public layers) keep the full numbers.
//
// The town (fixtures/access/town): ZD holds P1–P6; 上城区 330102 holds P1–P4 and P6, 拱墅区 330105
// holds P5. P1–P5 are residential (城镇住宅用地, RKS 100, 200, 50, 30, 20 people), P6 is 商服用地.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile, importFromReader } from '../src/importers/pipeline.ts';
import { loadCity, sq, WEST } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';

const TOWN = 'fixtures/access/town';

type Item = { code: string; featureCount: number; scope: string };
type Version = {
  version: number;
  featureCount: number;
  added: number;
  removed: number;
  changed: number;
  areaM2: { planar: number | null };
};

for (const tdb of testDatabases()) {
  describe(`scoped counts of the life circle and the catalogue on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let planner: Record<string, string>;
    let west: Record<string, string>; // 上城区 330102
    let east: Record<string, string>; // 拱墅区 330105
    let run = 0;
    const get = (hdr: Record<string, string>, url: string) => app.inject({ url, headers: hdr });

    before(async () => {
      h = await tdb.open();
      for (const [file, layer] of [
        ['bxwl', 'BXWL'],
        ['ggfwss', 'GGFWSS'],
        ['zd', 'ZD'],
        ['lanx', 'LANX'],
        ['xzq', 'XZQ'],
      ]) {
        await importFile(h.db, h.config, `${TOWN}/${file}.geojson`, { layer });
      }
      app = await buildApp({ db: h.db, config: h.config });
      planner = await authHeaders(h.db, 'planner');
      west = await authHeaders(h.db, 'district', { districts: ['330102'] });
      east = await authHeaders(h.db, 'district', { districts: ['330105'] });
      const r = await app.inject({
        method: 'POST',
        url: '/api/access/runs',
        headers: planner,
        payload: { types: ['小学', '幼儿园', '菜市场'], budgets: { 小学: 4.5, 幼儿园: 2.5, 菜市场: 2 }, walkSpeedKmH: 6, maxSnapM: 50 },
      });
      assert.equal(r.statusCode, 201, r.body);
      run = r.json().runId;
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('the layer list: ZD counts the officer’s parcels; public layers and staff count all', async () => {
      const count = async (hdr: Record<string, string>, code: string) =>
        ((await get(hdr, '/api/layers')).json() as Item[]).find((l) => l.code === code)!;
      assert.equal((await count(planner, 'ZD')).featureCount, 6);
      assert.deepEqual(await count(west, 'ZD'), { ...(await count(west, 'ZD')), featureCount: 5, scope: 'districts' });
      assert.equal((await count(east, 'ZD')).featureCount, 1);
      assert.equal((await count(east, 'XZQ')).featureCount, 2, 'a public layer keeps its full count');
      assert.equal((await count({}, 'XZQ')).featureCount, 2);
      const v = (await get(east, '/api/layers/ZD/versions')).json() as Version[];
      assert.deepEqual(
        v.map((x) => [x.version, x.featureCount, x.added, x.removed, x.changed]),
        [[1, 1, 1, 0, 0]],
      );
    });

    test('a run’s summary and the run list: the officer’s parcels only', async () => {
      const staff = (await get(planner, `/api/access/runs/${run}`)).json();
      assert.equal(staff.city.parcels, 5);
      assert.equal(staff.uncoveredCount, 4, 'P1, P3, P4 and P5 miss at least one type (test/access.test.ts)');
      const w = (await get(west, `/api/access/runs/${run}`)).json();
      const e = (await get(east, `/api/access/runs/${run}`)).json();
      assert.equal(w.city.parcels, 4);
      assert.equal(e.city.parcels, 1);
      assert.equal(w.uncoveredCount, 3);
      assert.equal(e.uncoveredCount, 1);
      // P4 lies 80 m from the network, beyond the 50 m snap limit (test/auth.scope2.test.ts).
      assert.equal(staff.unsnappedParcels, 1);
      assert.equal(w.unsnappedParcels, 1);
      assert.equal(e.unsnappedParcels, 0);
      // A primary school within 450 m: P1–P3 (P4 and P5 are beyond, test/access.http.test.ts).
      const school = (s: { byType: { type: string; coveredParcels: number }[] }) => s.byType.find((t) => t.type === '小学')!.coveredParcels;
      assert.equal(school(staff), 3);
      assert.equal(school(w), 3);
      assert.equal(school(e), 0);
      if (staff.city.population !== null) {
        assert.equal(staff.city.population, 400);
        assert.equal(w.city.population, 380);
        assert.equal(e.city.population, 20);
      }
      // The officer's areas are the run's own figures for their district.
      const d = staff.byDistrict.find((x: { code: string }) => x.code === '330105');
      assert.equal(e.city.residentialAreaM2, d.residentialAreaM2);
      assert.equal(e.city.coveragePercent, 0, 'P5 is not reached by every type');
      assert.deepEqual(
        e.byDistrict.map((x: { code: string }) => x.code),
        ['330105'],
      );
      const list = async (hdr: Record<string, string>) =>
        ((await get(hdr, '/api/access/runs')).json() as { runId: number; coveragePercent: number }[]).find((x) => x.runId === run)!;
      assert.equal((await list(planner)).coveragePercent, staff.city.coveragePercent);
      assert.equal((await list(east)).coveragePercent, 0);
      assert.equal((await list(west)).coveragePercent, w.city.coveragePercent);
      assert.notEqual(w.city.coveragePercent, staff.city.coveragePercent);
    });
  });

  // The two-district city of test/helpers/city.ts (西湖区 x < 0, 余杭区 x > 0) and a second version of ZD.
  describe(`scoped version figures on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      // v1: ZD-W (西湖区), ZD-E (余杭区). v2: ZD-W reshaped to 200 m × 100 m, ZD-W2 added in 西湖区,
      // ZD-E2 added in 余杭区, ZD-T added in 余杭区 touching the border (shares no area with 西湖区),
      // ZD-E removed.
      await importFromReader(
        h.db,
        h.config,
        memoryReader(
          [
            { fid: 'ZD-W', geometry: sq(-1500, 2000, -1300, 2100), props: { ZDDM: '330106001001GB00001', TDYT: '住宅' } },
            { fid: 'ZD-W2', geometry: sq(-3000, 1000, -2900, 1100), props: { ZDDM: '330106001001GB00003', TDYT: '住宅' } },
            { fid: 'ZD-E2', geometry: sq(3000, 1000, 3100, 1100), props: { ZDDM: '330110001001GB00004', TDYT: '住宅' } },
            { fid: 'ZD-T', geometry: sq(0, -500, 100, -400), props: { ZDDM: '330110001001GB00005', TDYT: '住宅' } },
          ],
          { srid: 4549 },
        ),
        { layer: 'ZD', user: 'test' },
      );
      app = await buildApp({ db: h.db, config: h.config });
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('versions of ZD: the officer of 西湖区 gets the figures inside it; staff the city’s', async () => {
      const officer = await authHeaders(h.db, 'district', { districts: [WEST] });
      const staff = await authHeaders(h.db, 'planner');
      const versions = async (hdr: Record<string, string>) =>
        (await app.inject({ url: '/api/layers/ZD/versions', headers: hdr })).json() as Version[];
      const row = (v: Version) => [v.version, v.featureCount, v.added, v.removed, v.changed];
      assert.deepEqual((await versions(staff)).map(row), [
        [1, 2, 2, 0, 0],
        [2, 4, 3, 1, 1],
      ]);
      const mine = await versions(officer);
      assert.deepEqual(mine.map(row), [
        [1, 1, 1, 0, 0],
        [2, 2, 1, 0, 1],
      ]);
      // 西湖区 at v2: ZD-W 20,000 m² + ZD-W2 10,000 m², planar in the zone of the central meridian.
      assert.ok(Math.abs(mine[1].areaM2.planar! - 30_000) < 1, String(mine[1].areaM2.planar));
      assert.ok(Math.abs(mine[0].areaM2.planar! - 10_000) < 1, String(mine[0].areaM2.planar));
      // The layer list agrees with the active version.
      const list = (await app.inject({ url: '/api/layers', headers: officer })).json() as Item[];
      assert.equal(list.find((l) => l.code === 'ZD')!.featureCount, 2);
      assert.equal(list.find((l) => l.code === 'DLTB')!.featureCount, 1);
      assert.equal(list.find((l) => l.code === 'GHYD')!.featureCount, 2, 'public: the whole city');
    });
  });
}
