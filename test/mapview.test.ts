// The One Map viewer's API (/api/map/…) on every test database, over the hand-made two-district
// city of test/helpers/city.ts (EPSG:4549 squares next to the central meridian, where a 100 m ×
// 100 m square is 10,000 m² = 15 亩) plus a few features of our own:
//   identify returns exactly the features under the point (polygons by containment, lines and
//   points within the tolerance), with attributes and legal basis; restricted layers never in a
//   public answer; district officers see restricted features inside their districts only;
//   measure gives hand-worked lengths and areas; thematic classes count what they should;
//   version changes list what was added, removed and changed, with geometry.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, E0, N0, WEST, RESTRICTED_MARK } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { buildApp } from '../src/server/app.ts';
import { importFromReader } from '../src/importers/pipeline.ts';

const MU = 15 / 10000; // 亩 per m² (1 亩 = 10000/15 m², domain.md §2)

for (const tdb of testDatabases()) {
  describe(`One Map viewer API on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let staff: Record<string, string>;
    let west: Record<string, string>;
    /** lon/lat of an EPSG:4549 point given as offsets from (E0, N0), by PostGIS. */
    let ll: (dx: number, dy: number) => Promise<[number, number]>;
    const load = (layer: string, feats: { fid: string; geometry: unknown; props?: Record<string, unknown> }[]) =>
      importFromReader(h.db, h.config, memoryReader(feats as never, { srid: 4549 }), { layer, user: 'test' });
    const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      // A facility (point) and a walkway (line) for the tolerance of identify.
      await load('GGFWSS', [
        { fid: 'SS1', geometry: { type: 'Point', coordinates: [E0 + 100, N0 - 1000] }, props: { SSMC: '西湖小学', SSLX: '小学' } },
      ]);
      await load('BXWL', [
        {
          fid: 'BX1',
          geometry: {
            type: 'LineString',
            coordinates: [
              [E0 - 500, N0 - 2000],
              [E0 + 500, N0 - 2000],
            ],
          },
          props: { DLMC: '文三路' },
        },
      ]);
      // Detailed-plan units with hand-picked FAR caps and areas for thematic classes.
      await load('XXGHDY', [
        { fid: 'U1', geometry: sq(-4900, -4900, -4800, -4800), props: { DYBH: 'U1', DYMC: '一号单元', DYLX: '城镇单元', RJLSX: 1 } }, // 10,000 m²
        { fid: 'U2', geometry: sq(-4700, -4900, -4600, -4800), props: { DYBH: 'U2', DYMC: '二号单元', DYLX: '城镇单元', RJLSX: 2 } }, // 10,000 m²
        { fid: 'U3', geometry: sq(4600, -4900, 4800, -4800), props: { DYBH: 'U3', DYMC: '三号单元', DYLX: '城镇单元', RJLSX: 3 } }, // 20,000 m²
        { fid: 'U4', geometry: sq(4000, -4900, 4200, -4800), props: { DYBH: 'U4', DYMC: '四号单元', DYLX: '乡村单元', RJLSX: 4 } }, // 20,000 m²
      ]);
      app = await buildApp({ db: h.db, config: h.config });
      staff = await authHeaders(h.db, 'planner');
      west = await authHeaders(h.db, 'district', { districts: [WEST] });
      ll = async (dx, dy) => {
        const r = await h.db.query<{ x: number; y: number }>(
          `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4549), 4490) AS p`,
          [E0 + dx, N0 + dy],
        );
        return [r.rows[0].x, r.rows[0].y];
      };
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const identify = async (dx: number, dy: number, headers: Record<string, string> = {}, extra = '') => {
      const [lon, lat] = await ll(dx, dy);
      const r = await get(`/api/map/identify?lon=${lon}&lat=${lat}${extra}`, headers);
      assert.equal(r.statusCode, 200, r.body);
      return r;
    };
    const hits = (body: { layers: { code: string; features: { fid: string }[] }[] }) =>
      body.layers.flatMap((l) => l.features.map((f) => `${l.code}:${f.fid}`)).sort();

    test('identify: exactly the polygons under the point, with attributes, areas and legal basis', async () => {
      const r = (await identify(-1500, 500, staff)).json();
      assert.deepEqual(hits(r), ['CZKFBJ:BJ1', 'GHYD:GH-W', 'XZQ:330106']);
      const gh = r.layers.find((l: { code: string }) => l.code === 'GHYD');
      assert.equal(gh.legalBasis, '《国土空间调查、规划、用途管制用地用海分类指南》（2023）');
      assert.equal(gh.name, '规划用地（用地用海分类）');
      const f = gh.features[0];
      assert.deepEqual(f.attributes.slice(0, 2), [
        { field: 'YDYHFLDM', label: '用地用海分类代码', value: '0701' },
        { field: 'YDYHFLMC', label: '用地用海分类名称', value: '城镇住宅用地' },
      ]);
      assert.equal(f.label, '城镇住宅用地');
      // GH-W is 1,000 m × 1,000 m = 1,000,000 m² = 1,500 亩, within 1.5 km of the central meridian.
      assert.ok(Math.abs(f.areaM2 - 1e6) < 1, `ellipsoidal area ${f.areaM2}`);
      assert.ok(Math.abs(f.planarAreaM2 - 1e6) < 0.01, `planar area ${f.planarAreaM2}`);
      assert.ok(Math.abs(f.areaMu - 1500) < 0.01);
      // The order of the answer is the catalogue's (districts first).
      assert.deepEqual(
        r.layers.map((l: { code: string }) => l.code),
        ['XZQ', 'CZKFBJ', 'GHYD'],
      );
      // Half a metre inside GH-W's east edge it is hit; half a metre outside it is not.
      assert.ok(hits((await identify(-1000.5, 500, staff)).json()).includes('GHYD:GH-W'));
      assert.ok(!hits((await identify(-999.5, 500, staff)).json()).includes('GHYD:GH-W'));
    });

    test('identify: points and lines count within the tolerance, measured in metres', async () => {
      // The facility is at (100, −1000): a click 10 m south of it.
      assert.deepEqual(
        hits((await identify(100, -1010, staff, '&tolerance=5')).json()).filter((x) => x.startsWith('GGFWSS')),
        [],
      );
      const near = (await identify(100, -1010, staff, '&tolerance=15')).json();
      const ss = near.layers.find((l: { code: string }) => l.code === 'GGFWSS');
      assert.deepEqual(
        ss.features.map((f: { fid: string }) => f.fid),
        ['SS1'],
      );
      assert.ok(Math.abs(ss.features[0].distanceM - 10) < 0.01, `distance ${ss.features[0].distanceM}`);
      // The walkway runs along y = −2000: a click 10 m north of it.
      const line = (await identify(0, -1990, staff, '&tolerance=15')).json();
      const bx = line.layers.find((l: { code: string }) => l.code === 'BXWL');
      assert.equal(bx.features[0].fid, 'BX1');
      assert.ok(Math.abs(bx.features[0].distanceM - 10) < 0.01);
      // 1,000 m long (ellipsoidal; within 0.01 m next to the central meridian).
      assert.ok(Math.abs(bx.features[0].lengthM - 1000) < 0.01, `length ${bx.features[0].lengthM}`);
      assert.equal(
        (await identify(0, -1990, staff, '&tolerance=5')).json().layers.some((l: { code: string }) => l.code === 'BXWL'),
        false,
      );
      // Only the layers asked for.
      assert.deepEqual(hits((await identify(-1500, 500, staff, '&layers=GHYD,XZQ')).json()), ['GHYD:GH-W', 'XZQ:330106']);
    });

    test('identify: the public never gets a restricted layer; district officers only inside their districts', async () => {
      // Inside parcel ZD-W (restricted) in the west district.
      const staffHits = hits((await identify(-1450, 2050, staff)).json());
      assert.deepEqual(staffHits, ['CZKFBJ:BJ1', 'XZQ:330106', 'ZD:ZD-W']);
      const pub = await identify(-1450, 2050);
      assert.deepEqual(hits(pub.json()), ['CZKFBJ:BJ1', 'XZQ:330106']);
      assert.ok(!pub.body.includes(RESTRICTED_MARK) && !pub.body.includes('宗地'), 'nothing of ZD in the public answer');
      // Asking for the restricted layer by name answers like an unknown code.
      const [lon, lat] = await ll(-1450, 2050);
      const asked = await get(`/api/map/identify?lon=${lon}&lat=${lat}&layers=ZD`);
      const unknown = await get(`/api/map/identify?lon=${lon}&lat=${lat}&layers=QQQ`);
      assert.equal(asked.statusCode, 404);
      assert.deepEqual([asked.json().code, unknown.json().code], ['not_found', 'not_found']);
      assert.equal(asked.json().error.replace('ZD', 'QQQ'), unknown.json().error);
      // The west district officer: ZD-W yes; ZD-E (east district) no, though public layers there yes.
      assert.deepEqual(hits((await identify(-1450, 2050, west)).json()), ['CZKFBJ:BJ1', 'XZQ:330106', 'ZD:ZD-W']);
      assert.deepEqual(hits((await identify(1450, 2050, west)).json()), ['CZKFBJ:BJ1', 'XZQ:330110']);
      assert.deepEqual(hits((await identify(1450, 2050, staff)).json()), ['CZKFBJ:BJ1', 'XZQ:330110', 'ZD:ZD-E']);
      // Outside the city: refused with the reason.
      const far = await get('/api/map/identify?lon=10&lat=10');
      assert.equal(far.statusCode, 400);
      assert.equal(far.json().code, 'outside_extent');
    });

    test('measure: a 100 m × 100 m square is 10,000 m² = 15 亩, a 300-400 line 500 m, in any CRS', async () => {
      const post = (payload: object) => app.inject({ method: 'POST', url: '/api/map/measure', payload });
      const r = await post({ geometry: sq(200, 200, 300, 300), srid: 4549 });
      assert.equal(r.statusCode, 200, r.body);
      const m = r.json();
      assert.equal(m.type, 'Polygon');
      assert.equal(m.planarSrid, 4549); // zone 40, central meridian 120°E
      assert.ok(Math.abs(m.areaM2.planar - 10000) < 0.001, `planar ${m.areaM2.planar}`);
      assert.ok(Math.abs(m.areaM2.ellipsoidal - 10000) < 0.1, `ellipsoidal ${m.areaM2.ellipsoidal}`);
      assert.ok(Math.abs(m.areaMu.planar - 15) < 1e-5);
      assert.ok(Math.abs(m.areaMu.ellipsoidal - 10000 * MU) < 1e-3);
      assert.ok(Math.abs(m.lengthM.planar - 400) < 0.001, 'a polygon measures its perimeter');
      // The same square drawn on the map (lon/lat, EPSG:4490, the default).
      const corners = await Promise.all(
        [
          [200, 200],
          [300, 200],
          [300, 300],
          [200, 300],
          [200, 200],
        ].map(([x, y]) => ll(x, y)),
      );
      const onMap = (await post({ geometry: { type: 'Polygon', coordinates: [corners] } })).json();
      assert.ok(Math.abs(onMap.areaM2.planar - 10000) < 0.001, `planar from lon/lat ${onMap.areaM2.planar}`);
      // Two squares: 30 亩.
      const two = (
        await post({
          geometry: { type: 'MultiPolygon', coordinates: [sq(0, 0, 100, 100).coordinates, sq(500, 0, 600, 100).coordinates] },
          srid: 4549,
        })
      ).json();
      assert.ok(Math.abs(two.areaMu.planar - 30) < 1e-5);
      // A 3-4-5 line: 500 m.
      const line = (
        await post({
          geometry: {
            type: 'LineString',
            coordinates: [
              [E0, N0],
              [E0 + 300, N0 + 400],
            ],
          },
          srid: 4549,
        })
      ).json();
      assert.equal(line.areaM2, null);
      assert.ok(Math.abs(line.lengthM.planar - 500) < 0.001, `planar length ${line.lengthM.planar}`);
      assert.ok(Math.abs(line.lengthM.ellipsoidal - 500) < 0.01, `ellipsoidal length ${line.lengthM.ellipsoidal}`);
      // A point: its Gauss-Krüger coordinates back.
      const pt = (await post({ geometry: { type: 'Point', coordinates: await ll(123, 456) } })).json();
      assert.ok(Math.abs(pt.point.x - (E0 + 123)) < 0.001 && Math.abs(pt.point.y - (N0 + 456)) < 0.001, JSON.stringify(pt.point));
    });

    test('measure: bad geometry is refused with the reason', async () => {
      const post = (payload: object) => app.inject({ method: 'POST', url: '/api/map/measure', payload });
      const bow = await post({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [E0, N0],
              [E0 + 100, N0 + 100],
              [E0 + 100, N0],
              [E0, N0 + 100],
              [E0, N0],
            ],
          ],
        },
        srid: 4549,
      });
      assert.equal(bow.statusCode, 400);
      assert.match(bow.json().error, /无法量算.*Self-intersection/);
      const junk = await post({ geometry: { type: 'Polygon', coordinates: 'nonsense' } });
      assert.equal(junk.statusCode, 400);
      assert.match(junk.json().error, /could not be read/);
      const srid = await post({ geometry: { type: 'Point', coordinates: [120, 30] }, srid: 99999 });
      assert.equal(srid.statusCode, 400);
      assert.match(srid.json().error, /99999/);
      const swapped = await post({ geometry: { type: 'Point', coordinates: [E0, N0] } });
      assert.equal(swapped.statusCode, 400);
      assert.match(swapped.json().error, /srid/);
      assert.equal((await post({ srid: 4490 })).statusCode, 400);
    });

    test('thematic classes: categories, equal intervals and quantiles count features and areas', async () => {
      const cls = async (q: string, headers: Record<string, string> = {}) => {
        const r = await get(`/api/map/layers/XXGHDY/classes?${q}`, headers);
        assert.equal(r.statusCode, 200, r.body);
        return r.json();
      };
      const cat = await cls('field=DYLX');
      assert.deepEqual(
        cat.classes.map((c: { value: string; count: number }) => [c.value, c.count]),
        [
          ['城镇单元', 3],
          ['乡村单元', 1],
        ],
      );
      assert.ok(Math.abs(cat.classes[0].areaM2 - 40000) < 1 && Math.abs(cat.classes[1].areaM2 - 20000) < 1);
      assert.equal(cat.label, '单元类型');
      assert.equal(cat.other, null);
      // FAR caps 1, 2, 3, 4 on 10,000 / 10,000 / 20,000 / 20,000 m².
      const eq2 = await cls('field=RJLSX&method=equal&classes=2');
      assert.deepEqual(eq2.breaks, [2.5]);
      assert.deepEqual(
        eq2.classes.map((c: { from: number; to: number; count: number }) => [c.from, c.to, c.count]),
        [
          [1, 2.5, 2],
          [2.5, 4, 2],
        ],
      );
      assert.ok(Math.abs(eq2.classes[0].areaMu - 30) < 0.01 && Math.abs(eq2.classes[1].areaMu - 60) < 0.01, JSON.stringify(eq2.classes));
      const eq3 = await cls('field=RJLSX&method=equal&classes=3');
      assert.deepEqual(eq3.breaks, [2, 3]);
      assert.deepEqual(
        eq3.classes.map((c: { count: number }) => c.count),
        [1, 1, 2],
      );
      const q2 = await cls('field=RJLSX&method=quantile&classes=2');
      assert.deepEqual(q2.breaks, [2.5]); // the median of 1, 2, 3, 4
      assert.equal(q2.numeric, 4);
      const notNum = await get('/api/map/layers/XXGHDY/classes?field=DYLX&method=equal');
      assert.equal(notNum.statusCode, 400);
      assert.equal(notNum.json().code, 'not_numeric');
      const none = await get('/api/map/layers/XXGHDY/classes?field=NOSUCH');
      assert.equal(none.statusCode, 400);
      assert.match(none.json().error, /NOSUCH/);
      // Restricted DLTB: one patch per district; the west officer counts only theirs; the public none.
      assert.equal((await get('/api/map/layers/DLTB/classes?field=DLBM', staff)).json().classes[0].count, 2);
      assert.equal((await get('/api/map/layers/DLTB/classes?field=DLBM', west)).json().classes[0].count, 1);
      assert.equal((await get('/api/map/layers/DLTB/classes?field=DLBM')).statusCode, 404);
      // Fields, with types from the data and labels from the schema.
      const fields = (await get('/api/map/layers/XXGHDY/fields')).json().fields;
      assert.deepEqual(
        fields.find((f: { name: string }) => f.name === 'RJLSX'),
        { name: 'RJLSX', label: '容积率上限', type: 'number', count: 4 },
      );
    });

    test('version changes: added, removed and changed features with geometry; tiles of either version', async () => {
      // GHYD version 2: GH-W halved and re-classed (1,000,000 → 500,000 m²), GH-E gone, GH-N new.
      await load('GHYD', [
        { fid: 'GH-W', geometry: sq(-2000, 0, -1000, 500), props: { YDYHFLDM: '0702', YDYHFLMC: '城镇社区服务设施用地' } },
        { fid: 'GH-N', geometry: sq(-2000, 2000, -1000, 3000), props: { YDYHFLDM: '1401', YDYHFLMC: '公园绿地' } },
      ]);
      const r = await get('/api/map/layers/GHYD/changes?from=1&to=2');
      assert.equal(r.statusCode, 200, r.body);
      const c = r.json();
      const by = (s: string) =>
        c.features.features
          .filter((f: { properties: { status: string } }) => f.properties.status === s)
          .map((f: { properties: { fid: string } }) => f.properties.fid);
      assert.deepEqual([by('added'), by('removed'), by('changed')], [['GH-N'], ['GH-E'], ['GH-W']]);
      assert.deepEqual([c.summary.added, c.summary.removed, c.summary.changed, c.total, c.truncated], [1, 1, 1, 3, false]);
      // +1,000,000 (GH-N) − 1,000,000 (GH-E) − 500,000 (GH-W) = −500,000 m² = −750 亩.
      assert.ok(Math.abs(c.summary.areaChangeM2 + 500000) < 2, `area change ${c.summary.areaChangeM2}`);
      assert.ok(Math.abs(c.summary.areaChangeMu + 750) < 0.01);
      const w = c.features.features.find((f: { properties: { fid: string } }) => f.properties.fid === 'GH-W');
      assert.equal(w.properties.geometryChanged, true);
      assert.deepEqual(w.properties.attributesChanged, ['YDYHFLDM', 'YDYHFLMC']);
      assert.equal(w.geometry.type, 'Polygon');
      const [, south] = await ll(-1500, 0);
      const [, north] = await ll(-1500, 500);
      assert.ok(
        Math.abs(w.properties.bbox[1] - south) < 1e-6 && Math.abs(w.properties.bbox[3] - north) < 1e-6,
        'the new geometry, not the old one',
      );
      assert.equal((await get('/api/map/layers/GHYD/changes?from=1&to=9')).statusCode, 404);
      assert.equal((await get('/api/map/layers/GHYD/changes?from=2&to=2')).statusCode, 400);

      // Tiles of a version by number: GH-E only in version 1, GH-N only in version 2.
      const tileOf = async (dx: number, dy: number, z: number) => {
        const [lon, lat] = await ll(dx, dy);
        const n = 2 ** z;
        const phi = (lat * Math.PI) / 180;
        return [
          z,
          Math.floor(((lon + 180) / 360) * n),
          Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n),
        ].join('/');
      };
      const eTile = await tileOf(1500, 500, 13);
      const v1 = await get(`/tiles/GHYD/${eTile}.mvt?version=1`);
      assert.equal(v1.statusCode, 200);
      assert.ok(v1.rawPayload.includes(Buffer.from('GH-E')), 'version 1 has GH-E');
      const v2 = await get(`/tiles/GHYD/${eTile}.mvt?version=2`);
      assert.ok(v2.statusCode === 204 || !v2.rawPayload.includes(Buffer.from('GH-E')), 'version 2 has not');
      const active = await get(`/tiles/GHYD/${eTile}.mvt`);
      assert.equal(active.headers.etag, v2.headers.etag, 'the active version by number is the same tile');
      assert.notEqual(v1.headers.etag, v2.headers.etag);
      // The tag of version 1 is good for a client that holds it.
      assert.equal(
        (await app.inject({ url: `/tiles/GHYD/${eTile}.mvt?version=1`, headers: { 'if-none-match': v1.headers.etag as string } }))
          .statusCode,
        304,
      );
      const nTile = await tileOf(-1500, 2500, 13);
      assert.ok((await get(`/tiles/GHYD/${nTile}.mvt?version=2`)).rawPayload.includes(Buffer.from('GH-N')));
      assert.ok(!(await get(`/tiles/GHYD/${nTile}.mvt?version=1`)).rawPayload.includes(Buffer.from('GH-N')));
      const missing = await get(`/tiles/GHYD/${nTile}.mvt?version=7`);
      assert.equal(missing.statusCode, 404);
      assert.match(missing.json().error, /no version 7/);
      assert.equal((await get(`/tiles/DLTB/${nTile}.mvt?version=1`)).statusCode, 404, 'a restricted layer stays unknown to the public');
    });

    test('version changes of a restricted layer: whole for staff, inside their districts for an officer, none for the public', async () => {
      await load('DLTB', [
        { fid: 'DL-W', geometry: sq(-3000, -3000, -2000, -2000), props: { DLBM: '0102', DLMC: '水浇地', BZ: RESTRICTED_MARK } },
        { fid: 'DL-E', geometry: sq(2000, -3000, 3000, -2000), props: { DLBM: '0102', DLMC: '水浇地', BZ: RESTRICTED_MARK } },
      ]);
      const fids = (r: { json(): { features: { features: { properties: { fid: string } }[] } } }) =>
        r.json().features.features.map((f) => f.properties.fid);
      assert.deepEqual(fids(await get('/api/map/layers/DLTB/changes?from=1&to=2', staff)), ['DL-E', 'DL-W']);
      assert.deepEqual(fids(await get('/api/map/layers/DLTB/changes?from=1&to=2', west)), ['DL-W']);
      assert.equal((await get('/api/map/layers/DLTB/changes?from=1&to=2')).statusCode, 404);
    });

    test('catalogue and labels: what each caller may read, with styles, versions and legal basis', async () => {
      const pub = (await get('/api/map/layers')).json();
      const codes = pub.layers.map((l: { code: string }) => l.code);
      assert.ok(codes.includes('GHYD') && codes.includes('XZQ'));
      for (const c of ['DLTB', 'ZD', 'CX', 'JCJK', 'GBZNT']) assert.ok(!codes.includes(c), `${c} not listed for the public`);
      const ghyd = pub.layers.find((l: { code: string }) => l.code === 'GHYD');
      assert.equal(ghyd.class, '规划');
      assert.equal(ghyd.geometryType, 'Polygon');
      assert.equal(ghyd.versions, 2);
      assert.equal(ghyd.featureCount, 2);
      assert.equal(ghyd.style.categories.field, 'YDYHFLDM');
      assert.equal(pub.layers.find((l: { code: string }) => l.code === 'XZQ').visible, true);
      assert.deepEqual(pub.classOrder.slice(0, 3), ['基础', '管控', '现状']);
      const mine = (await get('/api/map/layers', west)).json();
      assert.equal(mine.layers.find((l: { code: string }) => l.code === 'DLTB').scope, 'districts');
      assert.equal((await get('/api/map/layers', staff)).json().layers.find((l: { code: string }) => l.code === 'DLTB').scope, 'all');

      const labels = (await get('/api/map/layers/XZQ/labels')).json().labels;
      assert.deepEqual(labels.map((l: { label: string }) => l.label).sort(), ['余杭区', '西湖区']);
      // Each name point lies inside its district: west of the meridian for 西湖区 (x < 0).
      const [meridian] = await ll(0, 0);
      for (const l of labels) assert.equal(l.lon < meridian, l.label === '西湖区', JSON.stringify(l));
      assert.equal((await get('/api/map/layers/ZD/labels')).statusCode, 404);
      assert.deepEqual(
        (await get('/api/map/layers/ZD/labels', west)).json().labels.map((l: { fid: string }) => l.fid),
        ['ZD-W'],
      );
    });
  });
}
