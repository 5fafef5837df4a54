// Input bounds per endpoint (issue 22 item 2, config.ts INPUT_BOUNDS): vertices per geometry and
// per request, parcels of a review, points of a what-if, attributes of a feature, ids in the path
// and the query. Each over its bound answers 413 (counts) or 400 (lengths) with a Chinese message
// naming the bound and the value received, and writes nothing. The app is built with small bounds
// so the bodies stay small; the checks are the same code the defaults run through.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, E0, N0, sq, fc } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import { INPUT_BOUNDS, type InputBounds } from '../src/config.ts';
import type { Db } from '../src/db/index.ts';

const BOUNDS: InputBounds = {
  geometryVertices: 100,
  requestVertices: 150,
  drawnVertices: 50,
  reviewParcels: 3,
  whatIfPoints: 2,
  attributesPerFeature: 10,
  attributeChars: 200,
  idChars: 40,
};

/** A closed ring of `n` positions (n − 1 distinct vertices on a circle + the closing one), EPSG:4549 metres. */
function ring(n: number, cx = -2500, cy = 0, r = 400) {
  const pts = Array.from({ length: n - 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / (n - 1);
    return [E0 + cx + r * Math.cos(a), N0 + cy + r * Math.sin(a)];
  });
  return { type: 'Polygon' as const, coordinates: [[...pts, pts[0]]] };
}

/** The same ring in lon/lat around 120.1°E 30.25°N (for endpoints that take CGCS2000 degrees). */
function ringLonLat(n: number) {
  const pts = Array.from({ length: n - 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / (n - 1);
    return [120.1 + 0.004 * Math.cos(a), 30.25 + 0.004 * Math.sin(a)];
  });
  return { type: 'Polygon' as const, coordinates: [[...pts, pts[0]]] };
}

async function dbState(db: Db): Promise<string> {
  const r = await db.query<{ s: string }>(
    `SELECT (SELECT count(*) FROM review_run)::text || '/' || (SELECT count(*) FROM review_case)::text || '/' ||
            (SELECT count(*) FROM access_run)::text || '/' || (SELECT count(*) FROM audit_log)::text AS s`,
  );
  return `${await storeSnapshot(db)}|${r.rows[0].s}`;
}

for (const tdb of testDatabases()) {
  describe(`input bounds per endpoint on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    let before0: string;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: { ...h.config, limits: { ...h.config.limits, anonymousPerMinute: 0, bounds: BOUNDS } } });
      admin = await authHeaders(h.db, 'admin');
      planner = await authHeaders(h.db, 'planner');
      // The default rule set is created on first read; do that before any snapshot.
      assert.equal((await app.inject({ url: '/api/review/rulesets', headers: admin })).statusCode, 200);
      before0 = await dbState(h.db);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const refused = (r: { statusCode: number; body: string }, status: number, code: string, ...names: RegExp[]) => {
      assert.equal(r.statusCode, status, r.body.slice(0, 300));
      const b = JSON.parse(r.body) as { code: string; error: string };
      assert.equal(b.code, code, b.error);
      assert.match(b.error, /[\u4e00-\u9fff]/, 'a Chinese message');
      for (const n of names) assert.match(b.error, n, b.error);
    };

    test('the defaults are the documented constants', () => {
      assert.deepEqual(h.config.limits.bounds, INPUT_BOUNDS);
      assert.equal(INPUT_BOUNDS.requestVertices, 1_000_000);
    });

    test('vertices of a drawn geometry: 413 naming the bound and the count', async () => {
      const ok = await app.inject({ method: 'POST', url: '/api/map/measure', payload: { geometry: ringLonLat(50) } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().vertices, 50);
      const r = await app.inject({ method: 'POST', url: '/api/map/measure', payload: { geometry: ringLonLat(51) } });
      refused(r, 413, 'too_many_vertices', /共 51 个节点/, /上限 50 个/);
    });

    test('vertices of one geometry: review, lifecycle and farmland bodies, 413', async () => {
      const big = fc(ring(101));
      const r = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { type: 'urban-construction', geojson: big },
      });
      refused(r, 413, 'too_many_vertices', /共 101 个节点/, /每个几何上限 100 个/);
      for (const url of ['/api/lifecycle/parcels', '/api/farmland/projects']) {
        const x = await app.inject({ method: 'POST', url, headers: admin, payload: { geometry: ringLonLat(101) } });
        refused(x, 413, 'too_many_vertices', /共 101 个节点/, /上限 100 个/);
      }
      const c = await app.inject({
        method: 'PUT',
        url: '/api/layers/GHYD/coverage',
        headers: admin,
        payload: { coverage: ringLonLat(101) },
      });
      refused(c, 413, 'too_many_vertices', /上限 100 个/);
      // The same boundary as a file: counted as it is read, before staging.
      const m = multipart([{ name: '红线.geojson', content: JSON.stringify(big) }], { type: 'urban-construction' });
      const f = await app.inject({
        method: 'POST',
        url: '/api/review/runs/file',
        headers: { ...m.headers, ...planner },
        payload: m.payload,
      });
      refused(f, 413, 'too_many_vertices', /红线\.geojson/, /共 101 个节点/, /上限 100 个/);
      assert.equal(await dbState(h.db), before0);
    });

    test('vertices of one request: the parcels of a review together, 413', async () => {
      // Two parcels of 80 vertices: each under 100, together 160 over 150.
      const two = fc(ring(80, -2500), ring(80, -1000));
      const r = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { type: 'urban-construction', geojson: two },
      });
      refused(r, 413, 'too_many_vertices', /共 160 个节点/, /上限 150 个/);
      const m = multipart([{ name: 'two.geojson', content: JSON.stringify(two) }], { type: 'urban-construction', title: '两块' });
      const f = await app.inject({
        method: 'POST',
        url: '/api/review/cases/file',
        headers: { ...m.headers, ...planner },
        payload: m.payload,
      });
      refused(f, 413, 'too_many_vertices', /边界共 160 个节点，超过每次审查上限 150 个/);
      assert.equal(await dbState(h.db), before0);
    });

    test('parcels of a review and points of a what-if: 413', async () => {
      const four = fc(sq(-4000, 0, -3900, 100), sq(-3000, 0, -2900, 100), sq(-2000, 0, -1900, 100), sq(-1000, 0, -900, 100));
      const r = await app.inject({
        method: 'POST',
        url: '/api/review/cases',
        headers: planner,
        payload: { type: 'urban-construction', title: '四块', geojson: four },
      });
      refused(r, 413, 'too_many_features', /共 4 个要素/, /上限 3 个/);
      const m = multipart([{ name: 'four.geojson', content: JSON.stringify(four) }], { type: 'urban-construction' });
      const f = await app.inject({
        method: 'POST',
        url: '/api/review/runs/file',
        headers: { ...m.headers, ...planner },
        payload: m.payload,
      });
      refused(f, 413, 'too_many_parcels', /边界共 4 个地块，超过每次审查上限 3 个/);
      const w = await app.inject({
        method: 'POST',
        url: '/api/access/what-if',
        headers: planner,
        payload: {
          type: 'kindergarten',
          points: [
            [120.1, 30.2],
            [120.11, 30.2],
            [120.12, 30.2],
          ],
        },
      });
      refused(w, 413, 'too_many_points', /共 3 个设施点/, /上限 2 个/);
      assert.equal(await dbState(h.db), before0);
    });

    test('attributes of a feature: how many and how long, 400 (imports and bodies)', async () => {
      const props = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`F${i}`, i]));
      const many = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: props, geometry: ringLonLat(5) }] };
      const m = multipart([{ name: '多字段.geojson', content: JSON.stringify(many) }]);
      const r = await app.inject({
        method: 'POST',
        url: '/api/layers/GHYD/import',
        headers: { ...m.headers, ...admin },
        payload: m.payload,
      });
      refused(r, 400, 'too_many_attributes', /多字段\.geojson/, /11 个属性/, /上限 10 个/);
      const long = {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { BZ: '长'.repeat(201) }, geometry: ringLonLat(5) }],
      };
      const m2 = multipart([{ name: '长备注.geojson', content: JSON.stringify(long) }]);
      const r2 = await app.inject({
        method: 'POST',
        url: '/api/layers/GHYD/import',
        headers: { ...m2.headers, ...admin },
        payload: m2.payload,
      });
      refused(r2, 400, 'attribute_too_long', /长备注\.geojson/, /BZ 长 201 个字符/, /上限 200 个/);
      const body = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { type: 'urban-construction', geojson: long },
      });
      refused(body, 400, 'attribute_too_long', /BZ 长 201 个字符/, /上限 200 个/);
      assert.equal(await dbState(h.db), before0);
    });

    test('ids and codes in the path and the query: 400', async () => {
      const code = 'Z'.repeat(41);
      refused(
        await app.inject({ url: `/api/layers/${code}`, headers: admin }),
        400,
        'id_too_long',
        /路径参数 code/,
        /长 41 个字符/,
        /上限 40 个/,
      );
      refused(
        await app.inject({ url: `/api/lifecycle/parcels/${'3'.repeat(41)}`, headers: admin }),
        400,
        'id_too_long',
        /landCode/,
        /上限 40 个/,
      );
      const q = await app.inject({ url: `/api/lifecycle/idle-cases?landCode=${'3'.repeat(41)}`, headers: admin });
      refused(q, 400, 'id_too_long', /查询参数 landCode/, /上限 40 个/);
      assert.equal((await app.inject({ url: `/api/lifecycle/idle-cases?landCode=${'3'.repeat(40)}`, headers: admin })).statusCode, 200);
      // Free text is not an id: a long search is answered.
      assert.equal((await app.inject({ url: `/api/search?q=${'西'.repeat(60)}`, headers: admin })).statusCode, 200);
      assert.equal(await dbState(h.db), before0);
    });
  });
}
