// A project boundary drawn on 高德/DataV (GCJ-02) or 百度 (BD-09) is converted to CGCS2000 before
// review when the caller says so (`onemap review --from`, the API's `from`), and the run records it
// (issue 18 item 3). The expected area is worked out independently: the square's corners are taken
// back through the published GCJ-02 formula written out here (not src/importers/webmap.ts) by this
// file's own iteration, and PostGIS measures the polygon of those corners on the ellipsoid.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import { boundaryFromBody } from '../src/review/input.ts';
import { getRun, runReview } from '../src/review/engine.ts';

const PI = Math.PI;
/** The published GCJ-02 forward formula (Krasovsky a = 6378245 m, e² = 0.00669342162296594323). */
function handGcj(lon: number, lat: number): [number, number] {
  const x = lon - 105;
  const y = lat - 35;
  const h = (2 / 3) * (20 * Math.sin(6 * PI * x) + 20 * Math.sin(2 * PI * x));
  const tLat =
    -100 +
    2 * x +
    3 * y +
    0.2 * y * y +
    0.1 * x * y +
    0.2 * Math.sqrt(Math.abs(x)) +
    h +
    (2 / 3) * (20 * Math.sin(PI * y) + 40 * Math.sin((PI * y) / 3)) +
    (2 / 3) * (160 * Math.sin((PI * y) / 12) + 320 * Math.sin((PI * y) / 30));
  const tLon =
    300 +
    x +
    2 * y +
    0.1 * x * x +
    0.1 * x * y +
    0.1 * Math.sqrt(Math.abs(x)) +
    h +
    (2 / 3) * (20 * Math.sin(PI * x) + 40 * Math.sin((PI * x) / 3)) +
    (2 / 3) * (150 * Math.sin((PI * x) / 12) + 300 * Math.sin((PI * x) / 30));
  const a = 6378245;
  const e2 = 0.006693421622965943;
  const phi = (lat * PI) / 180;
  const W2 = 1 - e2 * Math.sin(phi) ** 2;
  const M = (a * (1 - e2)) / W2 ** 1.5; // meridian radius
  const N = a / Math.sqrt(W2); // prime-vertical radius
  return [lon + (tLon * 180) / (N * Math.cos(phi) * PI), lat + (tLat * 180) / (M * PI)];
}
/** The geodetic point a GCJ-02 point came from: Newton's method with a finite-difference Jacobian. */
function handInverse(gx: number, gy: number): [number, number] {
  let [x, y] = [gx, gy];
  const d = 1e-6;
  for (let i = 0; i < 20; i++) {
    const [fx, fy] = handGcj(x, y);
    const [ax, ay] = handGcj(x + d, y);
    const [bx, by] = handGcj(x, y + d);
    const [j11, j21, j12, j22] = [(ax - fx) / d, (ay - fy) / d, (bx - fx) / d, (by - fy) / d];
    const det = j11 * j22 - j12 * j21;
    const [rx, ry] = [fx - gx, fy - gy];
    x -= (j22 * rx - j12 * ry) / det;
    y -= (j11 * ry - j21 * rx) / det;
  }
  return [x, y];
}

// A 0.01° square in 上城区, Hangzhou, as 高德 gives it.
const SQUARE: [number, number][] = [
  [120.17, 30.25],
  [120.18, 30.25],
  [120.18, 30.26],
  [120.17, 30.26],
  [120.17, 30.25],
];
const geojson = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [SQUARE] } };
const wkt = (pts: [number, number][]) => `POLYGON((${pts.map((p) => p.join(' ')).join(',')}))`;

for (const tdb of testDatabases()) {
  describe(`review of a web-map boundary on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let planner: Record<string, string>;
    let converted: number;
    let asGiven: number;
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      planner = await authHeaders(h.db, 'planner');
      const area = async (pts: [number, number][]) =>
        (await h.db.query<{ a: number }>(`SELECT ST_Area(ST_GeomFromText($1, 4490)::geography) AS a`, [wkt(pts)])).rows[0].a;
      converted = await area(SQUARE.map(([x, y]) => handInverse(x, y)));
      asGiven = await area(SQUARE);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('--from gcj02: the converted square is reviewed, and the run records the conversion', async () => {
      // The formula stretches the square: its geodetic area differs from the one as given by > 0.2 %.
      assert.ok(Math.abs(converted / asGiven - 1) > 0.002, `${converted} vs ${asGiven}`);
      const boundary = await boundaryFromBody(h.db, h.config, { geojson }, { from: 'gcj02' });
      const r = await runReview(h.db, { ...boundary, type: 'urban-construction', name: '高德红线' });
      assert.ok(Math.abs(r.project.areaM2 - converted) / converted < 1e-7, `${r.project.areaM2} vs ${converted}`);
      assert.equal(r.project.source?.from, 'gcj02');
      assert.equal(r.project.source?.srid, 4490);
      assert.match(r.project.source!.crs, /GCJ-02.*CGCS2000/);
      const stored = await getRun(h.db, r.runId);
      assert.deepEqual(stored.project.source, r.project.source);
      const audit = await h.db.query<{ after: { from?: string } }>(
        `SELECT after FROM audit_log WHERE action = 'review.run' AND entity_id = $1`,
        [String(r.runId)],
      );
      assert.equal(audit.rows[0].after.from, 'gcj02');

      // Without the choice the boundary is taken as CGCS2000, and the run says that too.
      const plain = await runReview(h.db, { ...(await boundaryFromBody(h.db, h.config, { geojson })), type: 'urban-construction' });
      assert.ok(Math.abs(plain.project.areaM2 - asGiven) / asGiven < 1e-7);
      assert.equal(plain.project.source?.from, null);
    });

    test('over HTTP: from=gcj02 in the body and in an upload; a value that is not gcj02/bd09 is refused', async () => {
      const body = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { geojson, from: 'gcj02', type: 'urban-construction' },
      });
      assert.equal(body.statusCode, 201, body.body);
      assert.ok(Math.abs(body.json().project.areaM2 - converted) / converted < 1e-7);
      assert.equal(body.json().project.source.from, 'gcj02');

      const m = multipart([{ name: 'boundary.geojson', content: JSON.stringify(geojson) }], { from: 'gcj02', type: 'urban-construction' });
      const file = await app.inject({
        method: 'POST',
        url: '/api/review/runs/file',
        payload: m.payload,
        headers: { ...m.headers, ...planner },
      });
      assert.equal(file.statusCode, 201, file.body);
      assert.ok(Math.abs(file.json().project.areaM2 - converted) / converted < 1e-7);

      const bad = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { geojson, from: 'wgs84', type: 'urban-construction' },
      });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.json().error, /from 须为 gcj02/);
    });

    test('an uploaded boundary carries what an import would warn about: declared area, unclosed ring, web-map look', async () => {
      // 100 m × 100 m = 1.0000 公顷 declared as 1.5000 (50 % off); the ring is not closed.
      const txt = [
        '[属性描述]',
        '坐标系=2000国家大地坐标系',
        '几度分带=3',
        '带号=40',
        '[地块坐标]',
        '4,1.5000,DK-1,一号地块,面,,,,@',
        'J1,1,3345678.000,40512345.000',
        'J2,1,3345778.000,40512345.000',
        'J3,1,3345778.000,40512445.000',
        'J4,1,3345678.000,40512445.000',
      ].join('\n');
      const m = multipart([{ name: '报批.txt', content: txt }], { type: 'urban-construction' });
      const r = await app.inject({
        method: 'POST',
        url: '/api/review/runs/file',
        payload: m.payload,
        headers: { ...m.headers, ...planner },
      });
      assert.equal(r.statusCode, 201, r.body);
      const w: string[] = r.json().project.source.warnings;
      assert.equal(w.length, 2, w.join(' | '));
      assert.match(w[0], /^第 7 行起地块 DK-1 的圈号 1 未以首点 J1 结束（环未闭合），已按首点闭合/);
      assert.match(w[1], /^第 6 行地块 DK-1 申报面积 15000\.00 m² 与按界址点计算的 10000\.00 m² 相差 -33\.33 %/);
      // The file as uploaded, never the server's temporary folder.
      assert.doesNotMatch(w.join('\n'), /\/tmp|onemap-upload/);

      const datav = { ...geojson, properties: { adcode: 330102, name: '上城区', center: [120.17, 30.25] } };
      const look = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: planner,
        payload: { geojson: datav, type: 'urban-construction' },
      });
      assert.equal(look.statusCode, 201, look.body);
      assert.match(look.json().project.source.warnings.join('\n'), /DataV 属性 adcode、center.*--from gcj02/);
    });
  });
}
