// OGC API – Features (/ogcapi) over each test database: the resources, paging, bbox, datetime
// (as of), property and CQL2 filters, the three CRSs with their EPSG axis order, who sees which
// layer, HTML, and hostile parameters. Expected values follow from the fixture coordinates
// (test/helpers/ogcapi-fixtures.ts), worked out by hand.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { importOgcFixtures, ogcApp, GRID_FIDS, V1_VALID_FROM } from './helpers/ogcapi-fixtures.ts';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const E4490 = 'http://www.opengis.net/def/crs/EPSG/0/4490';
const E4549 = 'http://www.opengis.net/def/crs/EPSG/0/4549';

interface FC {
  type: string;
  features: { id: string; geometry: { type: string; coordinates: number[][][] }; properties: Record<string, unknown> }[];
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: { href: string; rel: string; type: string }[];
}

const q = encodeURIComponent;
const pathOf = (href: string) => {
  const u = new URL(href);
  return u.pathname + u.search;
};

for (const tdb of testDatabases()) {
  describe(`OGC API – Features on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-ogcapi-'));
      await importOgcFixtures(h.db, h.config, tmp);
      app = await ogcApp(h.db, h.config);
    });
    after(async () => {
      await app.close();
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
    async function items(url: string, headers: Record<string, string> = {}): Promise<FC> {
      const r = await get(url, headers);
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      assert.match(String(r.headers['content-type']), /^application\/geo\+json/);
      return r.json() as FC;
    }
    const ids = (fc: FC) => fc.features.map((f) => f.id).sort();

    test('landing page and conformance', async () => {
      const r = await get('/ogcapi');
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      const rels = Object.fromEntries((r.json().links as { rel: string; href: string }[]).map((l) => [l.rel, l.href]));
      for (const rel of ['self', 'alternate', 'service-desc', 'conformance', 'data']) assert.ok(rels[rel], `landing page link ${rel}`);
      assert.equal(new URL(rels['service-desc']).pathname, '/api/docs/json');
      assert.equal(new URL(rels.data).pathname, '/ogcapi/collections');
      // The OpenAPI document the landing page points to describes these routes.
      const api = await get('/api/docs/json');
      assert.equal(api.statusCode, 200, api.body.slice(0, 300));
      assert.ok(api.json().paths['/ogcapi/collections/{collectionId}/items'], 'items route in the OpenAPI document');
      const c = (await get('/ogcapi/conformance')).json().conformsTo as string[];
      for (const cls of [
        'ogcapi-features-1/1.0/conf/core',
        'ogcapi-features-1/1.0/conf/geojson',
        'ogcapi-features-1/1.0/conf/html',
        'ogcapi-features-1/1.0/conf/oas30',
        'ogcapi-features-2/1.0/conf/crs',
      ]) {
        assert.ok(c.includes(`http://www.opengis.net/spec/${cls}`), cls);
      }
    });

    test('collections: public layers only for the anonymous caller, with CRSs and extents', async () => {
      const doc = (await get('/ogcapi/collections')).json() as {
        collections: {
          id: string;
          title: string;
          crs: string[];
          storageCrs: string;
          extent: { spatial?: { bbox: number[][] }; temporal?: { interval: (string | null)[][] } };
          links: { rel: string }[];
        }[];
      };
      const byId = new Map(doc.collections.map((c) => [c.id, c]));
      for (const code of ['GHYD', 'LVX', 'XZQ', 'STBHHX']) assert.ok(byId.has(code), `${code} is public`);
      for (const code of ['DLTB', 'ZD', 'CX']) assert.ok(!byId.has(code), `${code} is restricted`);
      const g = byId.get('GHYD')!;
      assert.equal(g.title, '规划用地（用地用海分类）');
      assert.deepEqual(g.crs, [CRS84, E4490, E4549]);
      assert.equal(g.storageCrs, E4490);
      // The 5 × 5 grid of 0.01° squares from (120.10, 30.20): the active version only.
      g.extent.spatial!.bbox[0].forEach((v, i) => assert.ok(Math.abs(v - [120.1, 30.2, 120.15, 30.25][i]) < 1e-9, `bbox[${i}] = ${v}`));
      assert.deepEqual(g.extent.temporal!.interval, [[V1_VALID_FROM, null]]);
      assert.ok(g.links.some((l) => l.rel === 'items'));
      // A public layer with no data is listed, with no spatial extent.
      assert.equal(byId.get('STBHHX')!.extent.spatial, undefined);
      const one = (await get('/ogcapi/collections/GHYD')).json();
      assert.equal(one.id, 'GHYD');
      assert.deepEqual(one.crs, [CRS84, E4490, E4549]);
    });

    test('a restricted layer answers exactly like an unknown one', async () => {
      for (const suffix of ['', '/items', '/items/D-A', '/queryables', '/items?f=html']) {
        const hidden = await get(`/ogcapi/collections/DLTB${suffix}`);
        const unknown = await get(`/ogcapi/collections/NOSUCH${suffix}`);
        assert.equal(hidden.statusCode, 404, suffix);
        assert.equal(unknown.statusCode, 404, suffix);
        assert.equal(hidden.body.replaceAll('DLTB', 'X'), unknown.body.replaceAll('NOSUCH', 'X'), suffix);
      }
      const html = (await get('/ogcapi/collections?f=html')).body;
      assert.ok(!html.includes('DLTB') && !html.includes('地类图斑'));
    });

    test('paging: following next links returns every feature exactly once', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let url: string | undefined = '/ogcapi/collections/GHYD/items?limit=7';
      let pages = 0;
      while (url) {
        const fc = await items(url);
        assert.equal(fc.type, 'FeatureCollection');
        assert.equal(fc.numberMatched, 25);
        assert.equal(fc.numberReturned, fc.features.length);
        assert.ok(!Number.isNaN(Date.parse(fc.timeStamp)));
        if (pages > 0)
          assert.ok(
            fc.links.some((l) => l.rel === 'prev'),
            'later pages link back',
          );
        assert.ok(fc.links.some((l) => l.rel === 'collection'));
        seen.push(...fc.features.map((f) => f.id));
        sizes.push(fc.features.length);
        const next = fc.links.find((l) => l.rel === 'next');
        url = next && pathOf(next.href);
        assert.ok(++pages < 10, 'paging must end');
      }
      assert.deepEqual(sizes, [7, 7, 7, 4]);
      assert.deepEqual([...seen].sort(), GRID_FIDS);
      assert.equal(new Set(seen).size, 25);
      // Default page size 10; a limit above 10000 is clamped, not refused.
      assert.equal((await items('/ogcapi/collections/GHYD/items')).numberReturned, 10);
      const big = await items('/ogcapi/collections/GHYD/items?limit=20000&offset=5');
      assert.equal(big.numberReturned, 20);
      const prev = new URL(big.links.find((l) => l.rel === 'prev')!.href);
      assert.equal(prev.searchParams.get('limit'), '10000');
      assert.equal(prev.searchParams.get('offset'), '0');
      assert.equal((await items('/ogcapi/collections/GHYD/items?offset=100')).numberReturned, 0);
    });

    test('properties are the feature attributes and id is the feature id', async () => {
      const fc = await items('/ogcapi/collections/GHYD/items?limit=1');
      assert.equal(fc.features[0].id, 'G01');
      assert.deepEqual(fc.features[0].properties, { YDYHFLDM: '0701', YDYHFLMC: '居住用地', DYBH: 'DY-0' });
      assert.deepEqual(fc.features[0].geometry, {
        type: 'Polygon',
        coordinates: [
          [
            [120.1, 30.2],
            [120.11, 30.2],
            [120.11, 30.21],
            [120.1, 30.21],
            [120.1, 30.2],
          ],
        ],
      });
      const one = await get('/ogcapi/collections/GHYD/items/G13');
      assert.equal(one.statusCode, 200);
      assert.equal(one.headers['content-crs'], `<${CRS84}>`);
      const f = one.json();
      assert.equal(f.type, 'Feature');
      assert.equal(f.id, 'G13');
      assert.ok(f.links.some((l: { rel: string }) => l.rel === 'collection'));
      assert.equal((await get('/ogcapi/collections/GHYD/items/NOPE')).statusCode, 404);
      // Removed in the current version: not an item any more.
      assert.equal((await get('/ogcapi/collections/GHYD/items/OLD-1')).statusCode, 404);
    });

    test('bbox in CRS84, EPSG:4490 (lat first) and EPSG:4549 (northing first)', async () => {
      // Lon 120.1005–120.1195 spans squares i = 0, 1; lat 30.2005–30.2095 only row j = 0.
      assert.deepEqual(ids(await items('/ogcapi/collections/GHYD/items?bbox=120.1005,30.2005,120.1195,30.2095')), ['G01', 'G02']);
      assert.deepEqual(ids(await items(`/ogcapi/collections/GHYD/items?bbox=30.2005,120.1005,30.2095,120.1195&bbox-crs=${q(E4490)}`)), [
        'G01',
        'G02',
      ]);
      // A 200 m box around the centre of square (2, 2) = G13, given in EPSG:4549 as N,E. The centre
      // is projected by PostGIS; which square it falls in follows from the grid.
      const c = (
        await h.db.query<{ e: number; n: number }>(
          `SELECT ST_X(p) AS e, ST_Y(p) AS n FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(120.125, 30.225), 4490), 4549) AS p) s`,
        )
      ).rows[0];
      const box = [c.n - 100, c.e - 100, c.n + 100, c.e + 100].join(',');
      assert.deepEqual(ids(await items(`/ogcapi/collections/GHYD/items?bbox=${box}&bbox-crs=${q(E4549)}`)), ['G13']);
      // The same numbers read as E,N would be nowhere near Hangzhou: refused, not silently empty.
      assert.equal(
        (await get(`/ogcapi/collections/GHYD/items?bbox=${[c.e - 100, c.n - 100, c.e + 100, c.n + 100].join(',')}&bbox-crs=${q(E4549)}`))
          .statusCode,
        400,
      );
    });

    test('datetime picks the layer version in force (as of)', async () => {
      const at = async (dt: string) => ids(await items(`/ogcapi/collections/GHYD/items?limit=100&datetime=${q(dt)}`));
      const old = ['OLD-1', 'OLD-2', 'OLD-3'];
      assert.deepEqual(await at('2021-06-30'), old);
      assert.deepEqual(await at('2021-06-30T12:00:00+08:00'), old);
      assert.deepEqual(await at('2020-01-01'), old, 'a date means the end of that day');
      assert.deepEqual(await at('2019-12-31'), [], 'before the first version: nothing, not an error');
      assert.deepEqual(await at('2022-12-31T23:59:59Z'), old);
      assert.deepEqual(await at('2023-01-01T00:00:00Z'), GRID_FIDS);
      assert.deepEqual(await at('2020-06-01/2022-01-01'), old, 'an interval shows the state at its end');
      assert.deepEqual(await at('../2021-01-01'), old);
      assert.deepEqual(await at('2021-01-01/..'), GRID_FIDS, 'open end = current');
      const fc = await items(`/ogcapi/collections/GHYD/items?datetime=2021-06-30`);
      assert.equal(fc.numberMatched, 3);
      assert.equal(fc.features[0].properties.YDYHFLDM, '0101');
    });

    test('property filters', async () => {
      assert.equal((await items('/ogcapi/collections/GHYD/items?YDYHFLDM=0701')).numberMatched, 13);
      assert.equal((await items('/ogcapi/collections/GHYD/items?YDYHFLDM=1001')).numberMatched, 12);
      assert.equal((await items(`/ogcapi/collections/GHYD/items?YDYHFLMC=${q('居住用地')}`)).numberMatched, 12);
      // Row j = 0, even i: G01, G03, G05.
      assert.deepEqual(ids(await items('/ogcapi/collections/GHYD/items?YDYHFLDM=0701&DYBH=DY-0')), ['G01', 'G03', 'G05']);
      assert.deepEqual(ids(await items('/ogcapi/collections/GHYD/items?YDYHFLDM=0701&bbox=120.1005,30.2005,120.1495,30.2095')), [
        'G01',
        'G03',
        'G05',
      ]);
      assert.equal((await items('/ogcapi/collections/GHYD/items?YDYHFLDM=9999')).numberMatched, 0);
      // Only declared attributes (attr_schema) are filter parameters on a catalogue layer.
      const r = await get('/ogcapi/collections/GHYD/items?TBMJ=1');
      assert.equal(r.statusCode, 400);
      assert.match(r.json().error, /unknown query parameter "TBMJ"/);
      const qa = (await get('/ogcapi/collections/GHYD/queryables')).json();
      assert.deepEqual(Object.keys(qa.properties).sort(), ['DYBH', 'YDYHFLDM', 'YDYHFLMC', 'geometry']);
      assert.equal(qa.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.match(qa.$id, /\/ogcapi\/collections\/GHYD\/queryables/);
      assert.deepEqual(qa.properties.YDYHFLDM, { title: '用地用海分类代码', type: 'string' });
    });

    test('CQL2 text filter: comparisons, logic and S_INTERSECTS', async () => {
      const f = async (filter: string, extra = '') =>
        ids(await items(`/ogcapi/collections/GHYD/items?limit=100&filter=${q(filter)}${extra}`));
      assert.equal((await f("YDYHFLDM = '1001'")).length, 12);
      assert.deepEqual(
        await f('S_INTERSECTS(geometry, POLYGON((120.121 30.221, 120.129 30.221, 120.129 30.229, 120.121 30.229, 120.121 30.221)))'),
        ['G13'],
      );
      assert.deepEqual(await f('S_INTERSECTS(geometry, BBOX(120.1005, 30.2005, 120.1195, 30.2095))'), ['G01', 'G02']);
      assert.deepEqual(await f('S_INTERSECTS(geometry, POINT(30.225 120.125))', `&filter-crs=${q(E4490)}`), ['G13']);
      assert.deepEqual(await f("YDYHFLDM = '0701' AND S_INTERSECTS(geometry, BBOX(120.1005,30.2005,120.1495,30.2095))"), [
        'G01',
        'G03',
        'G05',
      ]);
      // 12 squares with 1001, plus the three 0701 squares of row 0.
      assert.equal((await f("NOT (YDYHFLDM = '0701') OR DYBH = 'DY-0'")).length, 15);
      assert.equal((await f('DYBH IS NULL')).length, 0);
      assert.equal((await f('DYBH IS NOT NULL')).length, 25);
      assert.deepEqual(await f("YDYHFLMC = '<script>alert(1)</script>'"), ['G25']);
      assert.deepEqual(await f(`"DYBH" = 'DY-4' AND YDYHFLDM <> '0701'`), ['G22', 'G24']);
      assert.deepEqual(await f("DYBH = DATE('2020-01-01')"), []);
      for (const bad of [
        'S_INTERSECTS(geometry, POLYGON((120.1 30.2, 120.2 30.3, 120.2 30.2, 120.1 30.3, 120.1 30.2)))', // bow tie: invalid
        'S_INTERSECTS(geometry, POLYGON((120.1 30.2, 120.2 30.2, 120.2 30.3)))', // ring not closed
        'S_INTERSECTS(geometry, POLYGON(120.1 30.2))',
        'FOO = 1',
        "YDYHFLDM = '0701' AND",
        'YDYHFLDM LIKE 1',
        "DYBH = DATE('yesterday')",
        'S_INTERSECTS(DYBH, POINT(120.1 30.2))',
      ]) {
        const r = await get(`/ogcapi/collections/GHYD/items?filter=${q(bad)}`);
        assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
        assert.match(r.json().error, /filter/);
      }
      assert.equal((await get(`/ogcapi/collections/GHYD/items?filter=${q("YDYHFLDM = '1'")}&filter-lang=cql2-json`)).statusCode, 400);
    });

    test('crs: EPSG:4490 is lat,lon and EPSG:4549 is northing,easting in metres', async () => {
      const r = await get(`/ogcapi/collections/GHYD/items?limit=1&crs=${q(E4490)}`);
      assert.equal(r.headers['content-crs'], `<${E4490}>`);
      assert.deepEqual((r.json() as FC).features[0].geometry.coordinates[0][0], [30.2, 120.1]);
      const one = await get(`/ogcapi/collections/GHYD/items/G01?crs=${q(E4490)}`);
      assert.equal(one.headers['content-crs'], `<${E4490}>`);
      assert.deepEqual(one.json().geometry.coordinates[0][1], [30.2, 120.11]);

      // L1's corner (120°E, 30°N): on the central meridian of zone 40 the easting is the false
      // easting, 500 000 m; the northing is the meridian arc from the equator to 30°N on the
      // CGCS2000 ellipsoid, 3 320 113.40 m (scale factor 1 on the central meridian).
      const g = await get(`/ogcapi/collections/LVX/items?crs=${q(E4549)}`);
      assert.equal(g.headers['content-crs'], `<${E4549}>`);
      const ring = (g.json() as FC).features[0].geometry.coordinates[0];
      const corner = ring.find(([n, e]) => Math.abs(e - 500000) < 0.001 && n < 3320200);
      assert.ok(corner, `no vertex on the central meridian in ${JSON.stringify(ring)}`);
      assert.ok(Math.abs(corner[0] - 3320113.4) < 0.01, `northing ${corner[0]}`);
      // 0.01° of longitude at 30°N is about 964 m east; 0.01° of latitude about 1109 m north.
      const far = ring.find(([n, e]) => e > 500900 && n > 3321200)!;
      assert.ok(Math.abs(far[1] - 500000 - 964) < 5 && Math.abs(far[0] - 3320113.4 - 1109) < 5, JSON.stringify(far));
      // Millimetres: at most 3 decimals.
      assert.ok(ring.flat().every((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-3));

      for (const bad of ['EPSG:4490', 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/4549x']) {
        const r2 = await get(`/ogcapi/collections/GHYD/items?crs=${q(bad)}`);
        assert.equal(r2.statusCode, 400, bad);
        assert.match(r2.json().error, /"crs"/);
      }
      assert.equal((await get(`/ogcapi/collections/GHYD/items/G01?crs=${q('EPSG:4549')}`)).statusCode, 400);
    });

    test('bad parameters are refused with 400 naming the parameter', async () => {
      const cases: [string, RegExp][] = [
        ['limit=0', /limit/],
        ['limit=abc', /limit/],
        ['limit=1.5', /limit/],
        ['offset=-1', /offset/],
        ['offset=99999999999999999999', /offset/],
        ['bbox=1,2,3', /bbox/],
        ['bbox=a,b,c,d', /bbox/],
        ['bbox=120.2,30.1,120.1,30.2', /bbox/],
        ['bbox=120.1,30.1,0,120.2,30.2,0', /bbox/],
        ['bbox=120.1,95,120.2,96', /bbox/],
        ['bbox=1e999,1,2,3', /bbox/],
        ['bbox=0x10,1,2,3', /bbox/],
        [`bbox-crs=${q(E4490)}`, /bbox-crs/],
        ['datetime=yesterday', /datetime/],
        ['datetime=2024-02-30', /datetime/],
        ['datetime=2024-01-01T25:00:00Z', /datetime/],
        ['datetime=2024-01-01/2023-01-01', /datetime/],
        ['datetime=a/b/c', /datetime/],
        ['f=xml', /f/],
        ['filter-lang=cql2-json&filter=x', /filter-lang/],
        ['foo=1', /unknown query parameter "foo"/],
        ['limit=1&limit=2', /limit/],
        ['YDYHFLDM=1&YDYHFLDM=2', /YDYHFLDM/],
      ];
      for (const [qs, re] of cases) {
        const r = await get(`/ogcapi/collections/GHYD/items?${qs}`);
        assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
        const body = r.json();
        assert.equal(body.statusCode, 400);
        assert.equal(typeof body.code, 'string');
        assert.match(body.error, re, qs);
      }
      assert.equal((await get('/ogcapi/collections/GHYD/items/G01?limit=1')).statusCode, 400);
    });

    test('SQL injection attempts in every parameter: 400/404, database unchanged', async () => {
      const before = await storeSnapshot(h.db);
      const hostile = ["'; DROP TABLE layer; --", '1 OR 1=1', '%27', '\u0000', "' OR '1'='1", '1); DELETE FROM feature; --'];
      const base = '/ogcapi/collections/GHYD/items';
      for (const s of hostile) {
        const v = q(s);
        for (const url of [
          `/ogcapi/collections/${v}`,
          `/ogcapi/collections/${v}/items`,
          `/ogcapi/collections/GHYD/items/${v}`,
          `/ogcapi/collections/${v}/queryables`,
        ]) {
          const r = await get(url);
          // A NUL character is refused at the door (400, issue 22); anything else is an unknown name (404).
          assert.equal(r.statusCode, s === '\u0000' ? 400 : 404, `${url}: ${r.body}`);
        }
        for (const p of [
          'bbox',
          'datetime',
          'crs',
          'limit',
          'offset',
          'filter',
          'filter-lang',
          'f',
          `bbox=120.1,30.2,120.2,30.3&bbox-crs`,
          'filter=DYBH%20IS%20NULL&filter-crs',
        ]) {
          const r = await get(`${base}?${p}=${v}`);
          assert.equal(r.statusCode, 400, `${p}=${JSON.stringify(s)}: ${r.body}`);
        }
        const r = await get(`/ogcapi/collections/GHYD/items/G01?crs=${v}`);
        assert.equal(r.statusCode, 400);
        // A property value is data: any text is a legitimate (non-matching) value; NUL cannot be stored.
        const pf = await get(`${base}?YDYHFLDM=${v}`);
        if (s.includes('\u0000')) assert.equal(pf.statusCode, 400);
        else assert.equal(pf.json().numberMatched, 0, `YDYHFLDM=${s}`);
        const cq = await get(`${base}?filter=${q(`YDYHFLDM = '${s.replaceAll("'", "''")}'`)}`);
        if (s.includes('\u0000')) assert.equal(cq.statusCode, 400);
        else assert.equal(cq.json().numberMatched, 0, `filter on ${s}`);
        // As a parameter name too.
        assert.equal((await get(`${base}?${v}=1`)).statusCode, 400);
      }
      // Raw (not re-encoded) %27 and %00 in the URL.
      assert.equal((await get(`${base}?bbox=%27`)).statusCode, 400);
      assert.equal((await get(`${base}?YDYHFLDM=%00`)).statusCode, 400);
      assert.equal((await get('/ogcapi/collections/GHYD/items/%27%3B')).statusCode, 404);
      assert.equal(await storeSnapshot(h.db), before);
      assert.equal((await items(`${base}?limit=100`)).numberMatched, 25);
    });

    test('HTML pages: negotiated from Accept or f=html, Chinese, escaped', async () => {
      const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
      const land = await get('/ogcapi', { accept: browser });
      assert.match(String(land.headers['content-type']), /^text\/html/);
      assert.match(land.body, /<html lang="zh-CN">/);
      assert.match(land.body, /一张图/);
      assert.match(String((await get('/ogcapi', { accept: 'application/json' })).headers['content-type']), /^application\/json/);
      assert.match(String((await get('/ogcapi', { accept: '*/*' })).headers['content-type']), /^application\/json/);
      assert.match(String((await get('/ogcapi?f=json', { accept: browser })).headers['content-type']), /^application\/json/);
      assert.match((await get('/ogcapi/conformance?f=html')).body, /ogcapi-features-1\/1.0\/conf\/core/);
      const coll = await get('/ogcapi/collections/GHYD', { accept: browser });
      assert.match(coll.body, /规划用地/);
      const page = await get('/ogcapi/collections/GHYD/items?f=html&limit=25');
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /共 25 个要素/);
      assert.ok(page.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(!page.body.includes('<script>'));
      const item = await get('/ogcapi/collections/GHYD/items/G25', { accept: browser });
      assert.ok(item.body.includes('&lt;script&gt;') && !item.body.includes('<script>'));
      assert.match((await get('/ogcapi/collections/GHYD/queryables?f=html')).body, /用地用海分类代码/);
      // Links offer the other format.
      const json = (await get('/ogcapi/collections/GHYD/items?limit=1')).json() as FC;
      assert.ok(json.links.some((l) => l.rel === 'alternate' && l.type === 'text/html'));
    });

    test('empty public layer: listed, no features', async () => {
      const fc = await items('/ogcapi/collections/STBHHX/items');
      assert.deepEqual([fc.numberMatched, fc.numberReturned, fc.features.length], [0, 0, 0]);
      assert.equal((await get('/ogcapi/collections/STBHHX/items/1')).statusCode, 404);
      assert.deepEqual((await get('/ogcapi/collections/STBHHX')).json().extent, {});
    });

    test('staff read restricted layers whole; district officers only inside their districts', async () => {
      const planner = await authHeaders(h.db, 'planner');
      const cols = (await get('/ogcapi/collections', planner)).json().collections.map((c: { id: string }) => c.id);
      assert.ok(cols.includes('DLTB'));
      assert.deepEqual(ids(await items('/ogcapi/collections/DLTB/items', planner)), ['D-A', 'D-B', 'D-C']);
      assert.deepEqual(ids(await items(`/ogcapi/collections/DLTB/items?filter=${q('TBMJ > 100')}`, planner)), ['D-B', 'D-C']);
      assert.deepEqual(ids(await items(`/ogcapi/collections/DLTB/items?filter=${q("TBMJ <= 50 OR DLBM = '0103'")}`, planner)), [
        'D-A',
        'D-B',
      ]);
      assert.deepEqual(ids(await items('/ogcapi/collections/DLTB/items?DLBM=0101', planner)), ['D-A', 'D-C']);

      // D-C straddles the boundary at 120.10°E, so both officers see it.
      const west = await authHeaders(h.db, 'district', { districts: ['330106'] });
      const fc = await items('/ogcapi/collections/DLTB/items', west);
      assert.deepEqual(ids(fc), ['D-A', 'D-C']);
      assert.equal(fc.numberMatched, 2);
      assert.equal((await get('/ogcapi/collections/DLTB/items/D-B', west)).statusCode, 404);
      assert.equal((await get('/ogcapi/collections/DLTB/items/D-A', west)).statusCode, 200);
      const east = await authHeaders(h.db, 'district', { districts: ['330108'] });
      assert.deepEqual(ids(await items('/ogcapi/collections/DLTB/items?limit=1000', east)), ['D-B', 'D-C']);
      assert.deepEqual(ids(await items('/ogcapi/collections/DLTB/items?bbox=120.0,30.0,120.095,30.5', east)), ['D-C']);
      // A layer without attr_schema (a new code becomes a restricted reference layer) filters on
      // the attribute keys its features hold.
      assert.deepEqual(ids(await items(`/ogcapi/collections/REFX/items?LDMC=${q('测试绿地')}`, planner)), ['L1']);
      assert.equal((await items('/ogcapi/collections/REFX/items?LDLX=x', planner)).numberMatched, 0);
      assert.equal((await get('/ogcapi/collections/REFX/items?FOO=1', planner)).statusCode, 400);
      assert.deepEqual(Object.keys((await get('/ogcapi/collections/REFX/queryables', planner)).json().properties).sort(), [
        'LDLX',
        'LDMC',
        'geometry',
      ]);
      assert.equal((await get('/ogcapi/collections/REFX')).statusCode, 404);
      // Public layers stay whole for them.
      assert.equal((await items('/ogcapi/collections/GHYD/items', west)).numberMatched, 25);
    });
  });
}
