// Old datums with the bureau's parameters (issue 18 item 4, decision 0012): Xian 1980 / Beijing 1954
// data is transformed to CGCS2000 with a 7-parameter Bursa–Wolf or a 4-parameter plane set given on
// the command line, kept as a named set, or written in the TXT header; without parameters it is
// refused, naming the three ways.
//
// The expected coordinates are worked here, not through PROJ or src/: Gauss-Krüger by Krüger's
// n-series (to n⁴, nanometre-exact within a zone), geodetic ↔ geocentric by the textbook formulas,
// and the Bursa–Wolf model in the position-vector convention (EPSG 9606) written out term by term.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { ImportError } from '../src/importers/types.ts';
import { listVersions } from '../src/store/store.service.ts';
import { writeShapefile } from '../src/exporters/shapefile.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { buildApp } from '../src/server/app.ts';
import { authHeaders } from './helpers/auth.ts';
import { multipart } from './helpers/multipart.ts';

// ---- Ellipsoids (domain.md §13): IAG-75 for Xian 1980, CGCS2000 (GRS80).
interface Ell {
  a: number;
  f: number;
}
const IAG75: Ell = { a: 6378140, f: 1 / 298.257 };
const KRASS: Ell = { a: 6378245, f: 1 / 298.3 };
const CGCS: Ell = { a: 6378137, f: 1 / 298.257222101 };
const D = Math.PI / 180;
const SEC = D / 3600;

/** Krüger's series for the transverse Mercator (k0 = 1, lat0 = 0), to n⁴. */
function kruger(e: Ell) {
  const n = e.f / (2 - e.f);
  const A = (e.a / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64);
  const al = [
    n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16 + (41 * n ** 4) / 180,
    (13 * n ** 2) / 48 - (3 * n ** 3) / 5 + (557 * n ** 4) / 1440,
    (61 * n ** 3) / 240 - (103 * n ** 4) / 140,
    (49561 * n ** 4) / 161280,
  ];
  const be = [
    n / 2 - (2 * n ** 2) / 3 + (37 * n ** 3) / 96 - n ** 4 / 360,
    n ** 2 / 48 + n ** 3 / 15 - (437 * n ** 4) / 1440,
    (17 * n ** 3) / 480 - (37 * n ** 4) / 840,
    (4397 * n ** 4) / 161280,
  ];
  const de = [
    2 * n - (2 * n ** 2) / 3 - 2 * n ** 3 + (116 * n ** 4) / 45,
    (7 * n ** 2) / 3 - (8 * n ** 3) / 5 - (227 * n ** 4) / 45,
    (56 * n ** 3) / 15 - (136 * n ** 4) / 35,
    (4279 * n ** 4) / 630,
  ];
  const c = (2 * Math.sqrt(n)) / (1 + n);
  return {
    /** lon, lat (degrees) → easting (from the central meridian, no false easting), northing. */
    forward(lon: number, lat: number, lon0: number): [number, number] {
      const phi = lat * D;
      const t = Math.sinh(Math.atanh(Math.sin(phi)) - c * Math.atanh(c * Math.sin(phi)));
      const l = (lon - lon0) * D;
      const xi1 = Math.atan(t / Math.cos(l));
      const eta1 = Math.atanh(Math.sin(l) / Math.sqrt(1 + t * t));
      let xi = xi1;
      let eta = eta1;
      al.forEach((a, j) => {
        xi += a * Math.sin(2 * (j + 1) * xi1) * Math.cosh(2 * (j + 1) * eta1);
        eta += a * Math.cos(2 * (j + 1) * xi1) * Math.sinh(2 * (j + 1) * eta1);
      });
      return [A * eta, A * xi];
    },
    inverse(E: number, N: number, lon0: number): [number, number] {
      const xi = N / A;
      const eta = E / A;
      let xi1 = xi;
      let eta1 = eta;
      be.forEach((b, j) => {
        xi1 -= b * Math.sin(2 * (j + 1) * xi) * Math.cosh(2 * (j + 1) * eta);
        eta1 -= b * Math.cos(2 * (j + 1) * xi) * Math.sinh(2 * (j + 1) * eta);
      });
      const chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1));
      let phi = chi;
      de.forEach((d, j) => (phi += d * Math.sin(2 * (j + 1) * chi)));
      return [lon0 + Math.atan2(Math.sinh(eta1), Math.cos(xi1)) / D, phi / D];
    },
  };
}

function toGeocentric(e: Ell, lon: number, lat: number): [number, number, number] {
  const e2 = e.f * (2 - e.f);
  const [p, l] = [lat * D, lon * D];
  const N = e.a / Math.sqrt(1 - e2 * Math.sin(p) ** 2);
  return [N * Math.cos(p) * Math.cos(l), N * Math.cos(p) * Math.sin(l), N * (1 - e2) * Math.sin(p)];
}

/** Geocentric → lon, lat (degrees), height dropped; latitude by fixed-point iteration to 1e-14 rad. */
function toGeodetic(e: Ell, [X, Y, Z]: [number, number, number]): [number, number] {
  const e2 = e.f * (2 - e.f);
  const p = Math.hypot(X, Y);
  let phi = Math.atan2(Z, p * (1 - e2));
  for (let i = 0; i < 20; i++) {
    const N = e.a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
    const h = p / Math.cos(phi) - N;
    const next = Math.atan2(Z, p * (1 - (e2 * N) / (N + h)));
    if (Math.abs(next - phi) < 1e-14) return [Math.atan2(Y, X) / D, next / D];
    phi = next;
  }
  return [Math.atan2(Y, X) / D, phi / D];
}

/** Bursa–Wolf, position vector (EPSG 9606): X' = T + (1 + s)·R·X with R = [[1, −rz, ry], [rz, 1, −rx], [−ry, rx, 1]]. */
function bursaWolf([X, Y, Z]: [number, number, number], [dx, dy, dz, rx, ry, rz, ppm]: number[]): [number, number, number] {
  const [a, b, c] = [rx * SEC, ry * SEC, rz * SEC];
  const k = 1 + ppm * 1e-6;
  return [dx + k * (X - c * Y + b * Z), dy + k * (c * X + Y - a * Z), dz + k * (-b * X + a * Y + Z)];
}

// ---- The square: 100 m × 100 m (10 000 m² = 15 亩) in Xian 1980 3° GK zone 40 (CM 120°E, Y with the
// zone prefix), in 西湖区, Hangzhou.
const E0 = 40_510_000;
const N0 = 3_350_000;
const SQUARE: [number, number][] = [
  [E0, N0],
  [E0 + 100, N0],
  [E0 + 100, N0 + 100],
  [E0, N0 + 100],
];
// A plausible Xian 1980 → CGCS2000 set (the bureau's are of this size): metres, arc-seconds, ppm.
const SEVEN = [-96.21, -115.47, 48.03, 1.25, -2.31, 3.12, 4.5];
// A plausible local plane set: ΔX (north), ΔY (east) in metres, rotation in arc-seconds, scale in ppm.
const FOUR = [18.4, -52.7, 2.5, -3.2];

/** Expected CGCS2000 lon/lat of a Xian 1980 GK corner under the 7 parameters, worked by hand. */
function expectedSeven([E, N]: [number, number], p = SEVEN, ell = IAG75): [number, number] {
  const [lon, lat] = kruger(ell).inverse(E - 40_500_000, N, 120);
  return toGeodetic(CGCS, bursaWolf(toGeocentric(ell, lon, lat), p));
}

/** Expected CGCS2000 lon/lat under the 4 parameters: rotate, scale, shift on the plane (surveyors' X = north, Y = east, no prefix). */
function expectedFour([E, N]: [number, number]): [number, number] {
  const [dx, dy, rot, ppm] = FOUR;
  const k = 1 + ppm * 1e-6;
  const [X, Y] = [N, E - 40_000_000];
  const [c, s] = [Math.cos(rot * SEC), Math.sin(rot * SEC)];
  const [X2, Y2] = [dx + k * (X * c - Y * s), dy + k * (X * s + Y * c)];
  return kruger(CGCS).inverse(Y2 - 500_000, X2, 120);
}

/** Shoelace area of lon/lat corners projected on CGCS2000 GK CM 120°E (the planar area the import reports). */
function planarArea(corners: [number, number][]): number {
  const xy = corners.map(([lon, lat]) => kruger(CGCS).forward(lon, lat, 120));
  let s = 0;
  for (let i = 0; i < xy.length; i++) {
    const [x1, y1] = xy[i];
    const [x2, y2] = xy[(i + 1) % xy.length];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

const XIAN80_GK40_PRJ =
  'PROJCS["Xian_1980_3_Degree_GK_Zone_40",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",40500000.0],' +
  'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

async function squareShapefile(dir: string, name: string): Promise<string> {
  const base = join(dir, name);
  const w = writeShapefile(`${base}.shp`, {
    geometryType: 'Polygon',
    fields: [{ name: 'NAME', type: 'C', length: 20 }],
    encoding: 'UTF-8',
    prjWkt: XIAN80_GK40_PRJ,
  });
  w.write(geometryToWkb({ type: 'Polygon', coordinates: [[...SQUARE, SQUARE[0]]] }), { NAME: '西安80方块' });
  await w.close();
  return `${base}.shp`;
}

/** The TXT as a bureau writes it: 坐标系=80国家大地坐标系 and the 7 parameters in 转换参数=. */
const txt = (params: string) =>
  [
    '[属性描述]',
    '格式版本号=1.01',
    '坐标系=80国家大地坐标系',
    '几度分带=3',
    '投影类型=高斯克吕格',
    '计量单位=米',
    '带号=40',
    '精度=0.01',
    `转换参数=${params}`,
    '[地块坐标]',
    '5,1.0000,1,西安80地块,面,,建设用地,,@',
    ...[...SQUARE, SQUARE[0]].map(([E, N], i) => `J${(i % 4) + 1},1,${N.toFixed(3)},${E.toFixed(3)}`),
    '',
  ].join('\r\n');

/** Distance in metres between two lon/lat points near Hangzhou (local flat approximation, fine at mm). */
const metres = ([x1, y1]: [number, number], [x2, y2]: [number, number]) =>
  Math.hypot((x1 - x2) * 111_320 * Math.cos(y1 * D), (y1 - y2) * 110_574);

describe('old-datum formulas worked in the test', () => {
  test('the hand Gauss-Krüger series round-trips to 1e-9 m, and the 7 parameters move the square ~160 m', () => {
    const k = kruger(IAG75);
    const [lon, lat] = k.inverse(10_000, N0, 120);
    const [e, n] = k.forward(lon, lat, 120);
    assert.ok(Math.abs(e - 10_000) < 1e-6 && Math.abs(n - N0) < 1e-6, `${e} ${n}`);
    const moved = metres([lon, lat], expectedSeven([E0, N0]));
    assert.ok(moved > 50 && moved < 300, `moved ${moved} m`);
  });
});

for (const tdb of testDatabases()) {
  describe(`old-datum imports on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-datum-'));
    });
    after(async () => {
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    const stored = async (layer: string) =>
      (
        await h.db.query<{ x: number; y: number }>(
          `SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y
             FROM feature f JOIN layer l ON l.id = f.layer_id, ST_DumpPoints(ST_ExteriorRing(ST_GeometryN(f.geom, 1))) d
            WHERE l.code = $1 AND f.v_to IS NULL ORDER BY d.path`,
          [layer],
        )
      ).rows.map((r) => [r.x, r.y] as [number, number]);

    /** Every expected corner is a stored corner to < 1 mm. */
    function assertCorners(rows: [number, number][], expected: [number, number][]) {
      for (const e of expected) {
        const d = Math.min(...rows.map((r) => metres(r, e)));
        assert.ok(d < 0.001, `corner ${e} is ${d} m from the nearest stored corner ${JSON.stringify(rows)}`);
      }
    }

    test('a .prj in Xian 1980 without parameters is refused, naming the three ways, and nothing is written', async () => {
      const shp = await squareShapefile(tmp, 'xian_noparams');
      await assert.rejects(importFile(h.db, h.config, shp, { layer: 'XA0' }), (e: unknown) => {
        assert.ok(e instanceof ImportError);
        const m = (e as Error).message;
        assert.match(m, /数据为 1980 西安坐标系（IAG-75 椭球） 高斯-克吕格 3° 带第 40 带/);
        assert.match(m, /--datum-params "7:ΔX,ΔY,ΔZ,rX,rY,rZ,m"/);
        assert.match(m, /参数集名称/);
        assert.match(m, /转换参数=/);
        // Chinese first.
        assert.ok(m.indexOf('数据为') < m.indexOf('Xian 1980'));
        return true;
      });
      assert.equal((await h.db.query(`SELECT 1 FROM layer WHERE code = 'XA0'`)).rows.length, 0);
    });

    test('7 parameters on the command line: corners as worked by hand to < 1 mm, area, and the record', async () => {
      const shp = await squareShapefile(tmp, 'xian7');
      const r = await importFile(h.db, h.config, shp, { layer: 'XA7', datum: { spec: `7:${SEVEN.join(',')}` } });
      assert.equal(r.sourceSrid, 4528, 'staged as CGCS2000 3° GK zone 40 with prefix');
      const expected = SQUARE.map((c) => expectedSeven(c));
      assertCorners(await stored('XA7'), expected);
      // The planar area is the hand corners' own (< 1 cm²); to first order it is the 15 亩 square scaled
      // by (1 + s)², the rest (−3.4 ppm here) being the heights dropped between the two ellipsoids.
      const area = planarArea(expected);
      assert.ok(Math.abs(r.areaM2.planar - area) < 1e-4, `${r.areaM2.planar} vs ${area}`);
      assert.ok(Math.abs(r.areaM2.planar / 10_000 - (1 + 4.5e-6) ** 2) < 5e-6, `${r.areaM2.planar}`);
      const v = await listVersions(h.db, 'XA7');
      const note = v[v.length - 1].sridSource ?? '';
      assert.match(note, /EPSG:2364/);
      assert.match(note, /七参数布尔莎变换（位置矢量旋转约定，EPSG:9606/);
      assert.match(note, /ΔX=-96\.21 m、ΔY=-115\.47 m、ΔZ=48\.03 m、rX=1\.25″、rY=-2\.31″、rZ=3\.12″、m=4\.5 ppm/);
      assert.match(note, /CGCS2000 取 \+towgs84=0；参数来自命令行 --datum-params/);
      const audit = await h.db.query<{ after: { datum: { kind: number; values: number[]; from: number } } }>(
        `SELECT after FROM audit_log WHERE action = 'layer.import' AND entity_id = 'XA7'`,
      );
      assert.deepEqual(audit.rows[0].after.datum.values, SEVEN);
      assert.equal(audit.rows[0].after.datum.from, 2364);
    });

    test('coordinate-frame rotations are flipped: the same result as position vector with the signs changed', async () => {
      const shp = await squareShapefile(tmp, 'xian7cf');
      const cf = [...SEVEN.slice(0, 3), -SEVEN[3], -SEVEN[4], -SEVEN[5], SEVEN[6]];
      const r = await importFile(h.db, h.config, shp, { layer: 'XA7CF', datum: { spec: `7:${cf.join(',')}`, coordinateFrame: true } });
      assertCorners(
        await stored('XA7CF'),
        SQUARE.map((c) => expectedSeven(c)),
      );
      assert.match(r.sridSource, /按坐标框架约定（EPSG:9607）给出，旋转已换号/);
    });

    test('4 parameters: the square rotated, scaled and shifted on the plane, area × (1 + s)²', async () => {
      const shp = await squareShapefile(tmp, 'xian4');
      const r = await importFile(h.db, h.config, shp, { layer: 'XA4', datum: { spec: `4:${FOUR.join(',')}` } });
      assertCorners(await stored('XA4'), SQUARE.map(expectedFour));
      // Rotation and shift keep areas; the scale multiplies them by (1 + s)² exactly.
      const want = 10_000 * (1 - 3.2e-6) ** 2;
      assert.ok(Math.abs(r.areaM2.planar - want) < 1e-4, `${r.areaM2.planar} vs ${want}`);
      assert.match(r.sridSource, /四参数平面相似变换 ΔX\(北\)=18\.4 m、ΔY\(东\)=-52\.7 m、旋转=2\.5″、尺度=-3\.2 ppm/);
    });

    test('a TXT headed 80国家大地坐标系 with 转换参数 in its header', async () => {
      const path = join(tmp, 'xian80.txt');
      writeFileSync(path, txt(SEVEN.join(',')));
      const r = await importFile(h.db, h.config, path, { layer: 'XATXT' });
      assert.equal(r.sourceSrid, 4528);
      assertCorners(
        await stored('XATXT'),
        SQUARE.map((c) => expectedSeven(c)),
      );
      assert.match(r.sridSource, /^TXT 坐标系=80国家大地坐标系; TXT 几度分带=3 带号=40/);
      assert.match(r.sridSource, /参数来自 TXT \[属性描述\] 转换参数=-96\.21,/);
      // The declared 1.0000 公顷 is the square before the transformation: within the 1 % tolerance.
      assert.ok(Math.abs(r.declaredAreas![0].computedPlanarM2 - planarArea(SQUARE.map((c) => expectedSeven(c)))) < 1e-4);

      // The format's placeholder ",,,,,," states nothing: refused with the same message.
      const empty = join(tmp, 'xian80_empty.txt');
      writeFileSync(empty, txt(',,,,,,'));
      await assert.rejects(
        importFile(h.db, h.config, empty, { layer: 'XATXT0' }),
        /数据为 1980 西安坐标系.*须用本地的转换参数换算到 CGCS2000/,
      );
      // Parameters for a CGCS2000 file are refused: they would be ignored silently.
      const cgcs = join(tmp, 'cgcs.txt');
      writeFileSync(cgcs, txt(',,,,,,').replace('80国家大地坐标系', '2000国家大地坐标系'));
      await assert.rejects(
        importFile(h.db, h.config, cgcs, { layer: 'XATXT1', datum: { spec: `7:${SEVEN.join(',')}`, via: '命令行 --datum-params' } }),
        /命令行 --datum-params 只用于 1980 西安坐标系或 1954 北京坐标系的数据/,
      );
    });

    test('Beijing 1954: a TXT headed 54北京坐标系 with its 转换参数 (Krassowsky ellipsoid)', async () => {
      const path = join(tmp, 'beijing54.txt');
      const bj = [24.5, -138.2, -71.9, -0.8, 1.6, -2.2, -6.1];
      writeFileSync(path, txt(bj.join('，')).replace('80国家大地坐标系', '54北京坐标系'));
      const r = await importFile(h.db, h.config, path, { layer: 'BJTXT' });
      assertCorners(
        await stored('BJTXT'),
        SQUARE.map((c) => expectedSeven(c, bj, KRASS)),
      );
      assert.match(r.sridSource, /1954 北京坐标系（克拉索夫斯基椭球） 高斯-克吕格 3° 带第 40 带.*EPSG:2416/);
    });

    test('Xian 1980 longitude/latitude named on the command line (--srid 4610), 7 parameters', async () => {
      const path = join(tmp, 'xian_lonlat.geojson');
      const ll: [number, number][] = [
        [120.1, 30.27],
        [120.101, 30.27],
        [120.101, 30.271],
        [120.1, 30.271],
      ];
      const ring = [...ll, ll[0]];
      writeFileSync(
        path,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', id: 'a', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }],
        }),
      );
      await assert.rejects(
        importFile(h.db, h.config, path, { layer: 'XALL', srid: 4610 }),
        /1980 西安坐标系（IAG-75 椭球） 经纬度 \(EPSG:4610\)（--srid 4610）/,
      );
      const r = await importFile(h.db, h.config, path, { layer: 'XALL', srid: 4610, datum: { spec: `7:${SEVEN.join(',')}` } });
      assert.equal(r.sourceSrid, 4490);
      assertCorners(
        await stored('XALL'),
        ll.map(([lon, lat]) => toGeodetic(CGCS, bursaWolf(toGeocentric(IAG75, lon, lat), SEVEN))),
      );
      // 4 parameters are for the plane only.
      await assert.rejects(
        importFile(h.db, h.config, path, { layer: 'XALL4', srid: 4610, datum: { spec: `4:${FOUR.join(',')}` } }),
        /四参数是高斯平面坐标的变换/,
      );
    });

    test('named parameter sets over HTTP: admin adds (audited), a planner lists and imports with the name, the upload field', async () => {
      const app = await buildApp({ db: h.db, config: h.config });
      try {
        const admin = await authHeaders(h.db, 'admin');
        const planner = await authHeaders(h.db, 'planner');
        const body = { name: 'HZ-XA80-2020', params: `7:${SEVEN.join(',')}`, datum: 'xian80', note: '杭州市 2020 年转换参数' };
        const denied = await app.inject({ method: 'POST', url: '/api/datum-params', payload: body, headers: planner });
        assert.equal(denied.statusCode, 403, denied.body);
        const added = await app.inject({ method: 'POST', url: '/api/datum-params', payload: body, headers: admin });
        assert.equal(added.statusCode, 201, added.body);
        assert.equal(added.json().params, `7:${SEVEN.join(',')}`);
        const again = await app.inject({ method: 'POST', url: '/api/datum-params', payload: body, headers: admin });
        assert.equal(again.statusCode, 409, again.body);
        const list = await app.inject({ method: 'GET', url: '/api/datum-params', headers: planner });
        assert.equal(list.statusCode, 200, list.body);
        assert.deepEqual(
          list.json().map((s: { name: string; datum: string; kind: number }) => [s.name, s.datum, s.kind]),
          [['HZ-XA80-2020', 'xian80', 7]],
        );
        const audit = await h.db.query(`SELECT actor FROM audit_log WHERE action = 'datum_params.add' AND entity_id = 'HZ-XA80-2020'`);
        assert.equal(audit.rows.length, 1);

        const shp = await squareShapefile(tmp, 'xian_named');
        const parts = ['shp', 'shx', 'dbf', 'prj'].map((ext) => ({
          name: `xian_named.${ext}`,
          content: readFileSync(shp.replace(/shp$/, ext)),
        }));
        const m = multipart(parts, { datumParams: 'HZ-XA80-2020' });
        const up = await app.inject({
          method: 'POST',
          url: '/api/layers/XANAMED/import',
          payload: m.payload,
          headers: { ...m.headers, ...admin },
        });
        assert.equal(up.statusCode, 201, up.body);
        assert.match(up.json().sridSource, /参数来自参数集 HZ-XA80-2020（上传字段 datumParams/);
        assertCorners(
          await stored('XANAMED'),
          SQUARE.map((c) => expectedSeven(c)),
        );

        const unknown = multipart(parts, { datumParams: 'NO-SUCH-SET' });
        const nf = await app.inject({
          method: 'POST',
          url: '/api/layers/XANAMED/import',
          payload: unknown.payload,
          headers: { ...unknown.headers, ...admin },
        });
        assert.equal(nf.statusCode, 404, nf.body);
        assert.match(nf.json().error, /没有名为 NO-SUCH-SET 的转换参数集/);
      } finally {
        await app.close();
      }
    });
  });
}

describe('onemap datum-params (embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-datum-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('add, list, and import --datum-params NAME', async () => {
    const cf = [...SEVEN.slice(0, 3), -SEVEN[3], -SEVEN[4], -SEVEN[5], SEVEN[6]];
    const add = run('datum-params', 'add', 'XA-CF', `7:${cf.join(',')}`, '--datum', 'xian80', '--coordinate-frame', '--json');
    assert.equal(add.code, 0, add.err);
    // Kept in the position-vector convention: the signs of the rotations are flipped back.
    assert.equal(JSON.parse(add.out).params, `7:${SEVEN.join(',')}`);
    assert.equal(JSON.parse(add.out).convention, 'coordinate_frame');
    const list = run('datum-params', 'list');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /XA-CF\s+7:-96\.21,-115\.47,48\.03,1\.25,-2\.31,3\.12,4\.5\s+xian80\s+coordinate_frame/);
    const shp = await squareShapefile(dir, 'cli');
    const imp = run('import', shp, '--layer', 'XACLI', '--datum-params', 'XA-CF', '--json');
    assert.equal(imp.code, 0, imp.err);
    assert.match(JSON.parse(imp.out).sridSource, /参数来自参数集 XA-CF（命令行 --datum-params/);
    const none = run('import', shp, '--layer', 'XACLI2');
    assert.notEqual(none.code, 0);
    assert.match(none.err, /须用本地的转换参数换算到 CGCS2000/);
  });
});
