// The 15-minute life circle over HTTP on every test database: network, runs, uncovered parcels,
// isochrones, what-if, the map page and its vendored MapLibre, and errors as { error } with 4xx.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';
import type { InjectOptions } from 'fastify';
import { authHeaders } from './helpers/auth.ts';

const TOWN = 'fixtures/access/town';
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const post = (url: string, body: unknown): InjectOptions => ({ method: 'POST', url, ...json(body) });

for (const tdb of testDatabases()) {
  describe(`15-minute life circle HTTP on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: Awaited<ReturnType<typeof buildApp>>;
    let staff: Record<string, string> = {};
    // Every call as a planner (access runs and network builds are theirs; see test/auth.matrix.test.ts for the others).
    const inj = (o: string | InjectOptions) =>
      app.inject(
        typeof o === 'string'
          ? { url: o, headers: staff }
          : { ...o, headers: { ...((o.headers as Record<string, string>) ?? {}), ...staff } },
      );
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      staff = await authHeaders(h.db, 'planner');
      for (const [file, layer] of [
        ['bxwl', 'BXWL'],
        ['ggfwss', 'GGFWSS'],
        ['zd', 'ZD'],
        ['lanx', 'LANX'],
        ['xzq', 'XZQ'],
      ]) {
        await importFile(h.db, h.config, `${TOWN}/${file}.geojson`, { layer });
      }
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('before anything is computed: 404 with a message', async () => {
      const r = await inj('/api/access/runs/latest');
      assert.equal(r.statusCode, 404);
      assert.match(r.json().error, /尚未计算覆盖率/);
      assert.equal((await inj('/api/access/network')).statusCode, 404);
    });

    test('network: built once (201), then reused (200), with its island', async () => {
      const a = await inj({ method: 'POST', url: '/api/access/network', ...json({}) });
      assert.equal(a.statusCode, 201, a.body);
      assert.deepEqual([a.json().walkableEdges, a.json().islands.count], [28, 1]);
      const b = await inj({ method: 'POST', url: '/api/access/network', ...json({ layer: 'BXWL' }) });
      assert.equal(b.statusCode, 200);
      assert.equal(b.json().reused, true);
      const s = (await inj('/api/access/network')).json();
      assert.equal(s.networkVersion, a.json().networkVersion);
      const edges = (await inj('/api/access/network/edges?bbox=119.99,30.17,120.02,30.19')).json();
      assert.equal(edges.features.length, 28);
      assert.equal((await inj({ method: 'POST', url: '/api/access/network', ...json({ toleranceM: 'x' }) })).statusCode, 400);
      assert.equal((await inj({ method: 'POST', url: '/api/access/network', ...json({ layer: 'NOPE' }) })).statusCode, 404);
    });

    test('coverage run, stored and served: summary, uncovered GeoJSON, facilities, isochrones, what-if', async () => {
      const r = await inj({
        method: 'POST',
        url: '/api/access/runs',
        ...json({ types: ['小学', '幼儿园', '菜市场'], budgets: { 小学: 4.5, 幼儿园: 2.5, 菜市场: 2 }, walkSpeedKmH: 6, maxSnapM: 50 }),
      });
      assert.equal(r.statusCode, 201, r.body);
      const run = r.json();
      // Both writes are in the audit trail under the signed-in planner.
      const me = (await inj('/api/auth/me')).json().username;
      const audit = (
        await h.db.query<{ action: string; entity_id: string }>(
          `SELECT action, entity_id FROM audit_log WHERE actor = $1 AND action LIKE 'access.%' ORDER BY id`,
          [me],
        )
      ).rows;
      assert.deepEqual(
        audit.map((a) => a.action),
        ['access.network-build', 'access.run'],
      );
      assert.equal(audit[1].entity_id, String(run.runId));
      assert.equal(run.city.coveragePercent, 37.11);
      assert.deepEqual(
        run.byType.map((t: { type: string; coveragePercent: number }) => [t.type, t.coveragePercent]),
        [
          ['幼儿园', 37.11],
          ['小学', 71.13],
          ['菜市场', 49.48],
        ],
      );
      assert.equal(
        (await inj(`/api/access/runs/${run.runId}`)).body,
        r.body,
        'a stored run reads back byte for byte (same keys, same order)',
      );
      assert.equal((await inj('/api/access/runs/latest')).json().runId, run.runId);
      assert.deepEqual(
        (await inj('/api/access/runs')).json().map((x: { runId: number }) => x.runId),
        [run.runId],
      );

      const unc = (await inj(`/api/access/runs/${run.runId}/uncovered?type=${encodeURIComponent('小学')}`)).json();
      assert.equal(unc.type, 'FeatureCollection');
      assert.deepEqual(
        unc.features.map((f: { properties: { fid: string } }) => f.properties.fid),
        ['P4', 'P5'],
      );
      const fac = (await inj(`/api/access/runs/${run.runId}/facilities?type=${encodeURIComponent('小学')}`)).json();
      assert.deepEqual(
        fac.features.map((f: { properties: { fid: string; snapped: boolean } }) => [f.properties.fid, f.properties.snapped]),
        [
          ['F1', true],
          ['F2', false],
        ],
      );

      const iso = (
        await inj(`/api/access/isochrones?run=${run.runId}&type=${encodeURIComponent('菜市场')}&bbox=119.99,30.17,120.02,30.19&width=5`)
      ).json();
      assert.deepEqual(
        iso.features.map((f: { properties: { fid: string } }) => f.properties.fid),
        ['F4', 'F5'],
      );
      assert.equal(iso.features[0].geometry.type, 'Polygon');
      const none = (
        await inj(`/api/access/isochrones?run=${run.runId}&type=${encodeURIComponent('菜市场')}&bbox=121,31,121.1,31.1`)
      ).json();
      assert.equal(none.features.length, 0);

      const pt = (
        await h.db.query<{ lon: number; lat: number }>(
          `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(500030, 3340110), 4549), 4490) AS p) s`,
        )
      ).rows[0];
      const w = await inj({
        method: 'POST',
        url: '/api/access/what-if',
        ...json({ runId: run.runId, type: '幼儿园', points: [[pt.lon, pt.lat]] }),
      });
      assert.equal(w.statusCode, 200, w.body);
      assert.equal(w.json().gain.areaM2, 3000);
      assert.equal(w.json().newlyCovered.features[0].properties.fid, 'P1');

      const districts = (await inj('/api/access/districts')).json();
      assert.deepEqual(
        districts.features.map((f: { properties: { name: string } }) => f.properties.name),
        ['上城区', '拱墅区'],
      );
      assert.ok(
        (await inj('/api/access/types'))
          .json()
          .types.some((t: { type: string; budgetMinutes: number }) => t.type === '小学' && t.budgetMinutes === 10),
      );
    });

    test('bad input is a 4xx with { error }', async () => {
      const cases: [string, InjectOptions, number, RegExp][] = [
        ['unknown type', post('/api/access/runs', { types: ['学校'] }), 400, /unknown facility type/],
        ['bad speed', post('/api/access/runs', { walkSpeedKmH: -1 }), 400, /walkSpeedKmH/],
        ['missing run', { method: 'GET', url: '/api/access/runs/9999' }, 404, /does not exist/],
        ['bad run id', { method: 'GET', url: '/api/access/runs/abc' }, 400, /.+/],
        ['what-if without points', post('/api/access/what-if', { type: '小学', points: [] }), 400, /points/],
        ['what-if, type not in run', post('/api/access/what-if', { type: '中学', points: [[120, 30.18]] }), 404, /no facility type "中学"/],
        ['isochrones without type', { method: 'GET', url: '/api/access/isochrones' }, 400, /type/],
        ['bad bbox', { method: 'GET', url: `/api/access/isochrones?type=${encodeURIComponent('小学')}&bbox=1,2,3` }, 400, /bbox/],
      ];
      for (const [name, req, status, msg] of cases) {
        const r = await inj(req);
        assert.equal(r.statusCode, status, `${name}: ${r.body}`);
        assert.match(r.json().error, msg, name);
      }
    });

    test("the map page is the web app's and MapLibre is served locally", async () => {
      // /access is a page of the web application (web/src/pages/access, test/web.access.test.ts).
      const page = await inj('/access');
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-type'] as string, /text\/html/);
      assert.doesNotMatch(page.body, /<script type="module">\s*import/, 'no inline page script any more');
      const lib = await inj('/vendor/maplibre-gl/maplibre-gl.mjs');
      assert.equal(lib.statusCode, 200);
      assert.match(lib.headers['content-type'] as string, /javascript/);
      assert.equal((await inj('/vendor/maplibre-gl/maplibre-gl-worker.mjs')).statusCode, 200);
      assert.equal((await inj('/vendor/maplibre-gl/maplibre-gl.css')).statusCode, 200);
    });
  });
}
