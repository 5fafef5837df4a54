// District read scope beyond the layer endpoints (issue 22 item 5): what the 15-minute life circle
// answers about a run — uncovered parcels, facilities, isochrones, the parcels a "what if" newly
// covers — lists the features of a restricted layer (the residential parcels are ZD, 宗地) to a
// district officer only inside their districts; staff read them whole.
//
// The town (fixtures/access/town): 上城区 330102 holds parcels P1–P4 and P6, 拱墅区 330105 holds
// P5 and the market F4 on its own street island.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { loadCity, sq, WEST } from './helpers/city.ts';

const TOWN = 'fixtures/access/town';
const fids = (fc: { features: { properties: { fid: string } }[] }) => fc.features.map((f) => f.properties.fid);

for (const tdb of testDatabases()) {
  describe(`district scope of the life circle on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let planner: Record<string, string>;
    let west: Record<string, string>; // 上城区 330102
    let east: Record<string, string>; // 拱墅区 330105
    let run = 0; // the three default types of test/access.http.test.ts
    let zdRun = 0; // one type whose facilities are the ZD parcels themselves (a restricted facility layer)
    const as = (hdr: Record<string, string>, o: string | InjectOptions) =>
      app.inject(typeof o === 'string' ? { url: o, headers: hdr } : { ...o, headers: { ...(o.headers as object), ...hdr } });

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
      const r = await as(planner, {
        method: 'POST',
        url: '/api/access/runs',
        payload: { types: ['小学', '幼儿园', '菜市场'], budgets: { 小学: 4.5, 幼儿园: 2.5, 菜市场: 2 }, walkSpeedKmH: 6, maxSnapM: 50 },
      });
      assert.equal(r.statusCode, 201, r.body);
      run = r.json().runId;
      const z = await as(planner, {
        method: 'POST',
        url: '/api/access/runs',
        payload: { typeDefs: [{ type: '宗地', layer: 'ZD', budgetM: 300 }], maxSnapM: 50 },
      });
      assert.equal(z.statusCode, 201, z.body);
      zdRun = z.json().runId;
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('uncovered parcels: own district only; staff see every district', async () => {
      const url = (id: number | string) => `/api/access/runs/${id}/uncovered?type=${encodeURIComponent('小学')}`;
      // P4 (上城区) and P5 (拱墅区) are beyond 450 m of a primary school (test/access.http.test.ts).
      assert.deepEqual(fids((await as(planner, url(run))).json()), ['P4', 'P5']);
      assert.deepEqual(fids((await as(west, url(run))).json()), ['P4']);
      assert.deepEqual(fids((await as(east, url(run))).json()), ['P5']);
      // Every type: P1, P3, P4 and P5 miss at least one (test/access.test.ts).
      const every = `/api/access/runs/${run}/uncovered`;
      assert.deepEqual(fids((await as(planner, every)).json()), ['P1', 'P3', 'P4', 'P5']);
      assert.deepEqual(fids((await as(west, every)).json()), ['P1', 'P3', 'P4']);
      assert.deepEqual(fids((await as(east, every)).json()), ['P5']);
      // The latest run (zdRun, where each parcel is a facility, so covers itself) by its alias: only
      // P4, 80 m from the network with a 50 m snap limit, is left uncovered; it is in 上城区, so the
      // officer of 拱墅区 gets an empty collection.
      assert.deepEqual(fids((await as(planner, '/api/access/runs/latest/uncovered')).json()), ['P4']);
      assert.deepEqual(fids((await as(west, '/api/access/runs/latest/uncovered')).json()), ['P4']);
      assert.deepEqual(fids((await as(east, '/api/access/runs/latest/uncovered')).json()), []);
    });

    test('facilities and isochrones of a restricted facility layer: own district only', async () => {
      const fac = (hdr: Record<string, string>) => as(hdr, `/api/access/runs/${zdRun}/facilities?type=${encodeURIComponent('宗地')}`);
      assert.deepEqual(fids((await fac(planner)).json()), ['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
      assert.deepEqual(fids((await fac(west)).json()), ['P1', 'P2', 'P3', 'P4', 'P6']);
      assert.deepEqual(fids((await fac(east)).json()), ['P5']);
      // A public facility layer (GGFWSS) stays city-wide for everyone.
      const markets = await as(east, `/api/access/runs/${run}/facilities?type=${encodeURIComponent('菜市场')}`);
      assert.deepEqual(fids(markets.json()), ['F4', 'F5']);

      const iso = (hdr: Record<string, string>) =>
        as(hdr, `/api/access/isochrones?run=${zdRun}&type=${encodeURIComponent('宗地')}&bbox=119.99,30.17,120.02,30.19&width=5`);
      const staffIso = fids((await iso(planner)).json());
      assert.ok(staffIso.includes('P5') && staffIso.includes('P1'), JSON.stringify(staffIso));
      assert.deepEqual(
        fids((await iso(west)).json()),
        staffIso.filter((f) => f !== 'P5'),
      );
      assert.deepEqual(fids((await iso(east)).json()), ['P5']);
      // One facility of the other district by its id: as unknown as a facility the run does not have.
      const one = await as(west, `/api/access/isochrones?run=${zdRun}&type=${encodeURIComponent('宗地')}&facility=P5`);
      assert.equal(one.statusCode, 404, one.body);
    });

    test('what if: the newly covered parcels listed are those the officer may read', async () => {
      // A kindergarten proposed where the market F4 stands, on 拱墅区's island, covers P5.
      const pt = (
        await h.db.query<{ lon: number; lat: number }>(
          `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(501150, 3340010), 4549), 4490) AS p) s`,
        )
      ).rows[0];
      const ask = (hdr: Record<string, string>) =>
        as(hdr, { method: 'POST', url: '/api/access/what-if', payload: { runId: run, type: '幼儿园', points: [[pt.lon, pt.lat]] } });
      const staff = await ask(planner);
      assert.equal(staff.statusCode, 200, staff.body);
      assert.deepEqual(fids(staff.json().newlyCovered), ['P5']);
      assert.deepEqual(fids((await ask(east)).json().newlyCovered), ['P5']);
      const w = await ask(west);
      assert.equal(w.statusCode, 200, w.body);
      assert.deepEqual(fids(w.json().newlyCovered), [], 'the parcel of 拱墅区 is not listed to an officer of 上城区');
    });
  });
}

// The two-district city of test/helpers/city.ts: the restricted layer DLTB has DL-W in 西湖区
// (x, y ∈ [-3000, -2000] m from the central meridian 120°E) and DL-E in 余杭区 (x ∈ [2000, 3000]).
for (const tdb of testDatabases()) {
  describe(`district scope of layer metadata on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let inspector: Record<string, string>;
    let west: Record<string, string>;
    /** Extent in EPSG:4490 of squares given in the city's metres. */
    const extentOf = async (...squares: [number, number, number, number][]) => {
      const r = await h.db.query<{ b: number[] }>(
        `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (
           SELECT ST_Extent(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(g), 4549), 4490))::geometry AS e FROM unnest($1::text[]) g) s`,
        [squares.map((q) => JSON.stringify(sq(...q)))],
      );
      return r.rows[0].b.map(Number);
    };
    /** Bounds equal to `want` within `tol` degrees (TileJSON rounds outwards to 1e-7°). */
    const near = (got: number[], want: number[], tol: number, what: string) =>
      assert.ok(
        got.length === 4 && got.every((v, i) => Math.abs(v - want[i]) <= tol),
        `${what}: ${JSON.stringify(got)} is not ${JSON.stringify(want)}`,
      );

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      inspector = await authHeaders(h.db, 'inspector');
      west = await authHeaders(h.db, 'district', { districts: [WEST] });
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('TileJSON bounds of a restricted layer: the extent of the features the officer gets', async () => {
      const dlW = await extentOf([-3000, -3000, -2000, -2000]);
      const both = await extentOf([-3000, -3000, -2000, -2000], [2000, -3000, 3000, -2000]);
      const all = (await app.inject({ url: '/tiles/DLTB.json', headers: inspector })).json();
      near(all.bounds, both, 2e-7, 'inspector: both patches');
      const mine = await app.inject({ url: '/tiles/DLTB.json', headers: west });
      assert.equal(mine.statusCode, 200, mine.body);
      near(mine.json().bounds, dlW, 2e-7, '西湖区 officer: DL-W only');
      assert.ok(mine.json().bounds[2] < 120, 'nothing east of the meridian, where 余杭区 lies');
      // The inspector's document, asked again, is still city-wide (no shared cache entry).
      near((await app.inject({ url: '/tiles/DLTB.json', headers: inspector })).json().bounds, both, 2e-7, 'inspector again');
      // A public layer is city-wide for the officer too: GH-W and GH-E.
      const gh = (await app.inject({ url: '/tiles/GHYD.json', headers: west })).json();
      near(gh.bounds, await extentOf([-2000, 0, -1000, 1000], [1000, 0, 2000, 1000]), 2e-7, 'GHYD');
    });

    test('attribute counts of a restricted layer (thematic map fields): the officer’s features only', async () => {
      type Fields = { fields: { name: string; count: number }[] };
      const count = (doc: Fields, name: string) => doc.fields.find((f) => f.name === name)?.count;
      const all = (await app.inject({ url: '/api/map/layers/DLTB/fields', headers: inspector })).json() as Fields;
      assert.equal(count(all, 'DLBM'), 2, 'DL-W and DL-E');
      const mine = await app.inject({ url: '/api/map/layers/DLTB/fields', headers: west });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(count(mine.json() as Fields, 'DLBM'), 1, 'DL-W only');
    });

    test('OGC collection extent of a restricted layer: the extent of the features the officer reads', async () => {
      const dlW = await extentOf([-3000, -3000, -2000, -2000]);
      const both = await extentOf([-3000, -3000, -2000, -2000], [2000, -3000, 3000, -2000]);
      const bbox = (doc: { extent: { spatial: { bbox: number[][] } } }) => doc.extent.spatial.bbox[0];
      near(bbox((await app.inject({ url: '/ogcapi/collections/DLTB?f=json', headers: inspector })).json()), both, 1e-9, 'inspector');
      const mine = await app.inject({ url: '/ogcapi/collections/DLTB?f=json', headers: west });
      assert.equal(mine.statusCode, 200, mine.body);
      near(bbox(mine.json()), dlW, 1e-9, '西湖区 officer');
      const list = (await app.inject({ url: '/ogcapi/collections?f=json', headers: west })).json();
      near(bbox(list.collections.find((c: { id: string }) => c.id === 'DLTB')), dlW, 1e-9, 'in the collection list');
      near(bbox((await app.inject({ url: '/ogcapi/collections/DLTB?f=json', headers: inspector })).json()), both, 1e-9, 'inspector again');
    });
  });
}
