// Vector tiles on every test database: what a tile holds and where (positions worked out by hand
// from the Web-Mercator formulas), TileJSON, ETag/304 without queries, a new version visible with
// no restart (same process at once, another process within ~1 s), restricted layers invisible to
// the public, district scope, and bad or hostile addresses refused without touching the data.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';
import type { Db } from '../src/db/index.ts';
import type { User } from '../src/auth/types.ts';
import { UnknownLayerError } from '../src/catalogue/catalogue.service.ts';
import { tileRoutes, TILE_ROUTE } from '../src/tiles/tiles.routes.ts';
import { TileService, tileOptionsFromEnv } from '../src/tiles/tiles.service.ts';
import { buildTile, layersWithVersions, tileEncoder, tileParams, tileSql, type TileEncoder } from '../src/tiles/tiles.repository.ts';
import { authHeaders } from './helpers/auth.ts';

const FIX = 'fixtures/tiles';
const OPTIONS = { ...tileOptionsFromEnv({}), cacheBytes: 8 * 1024 * 1024 };

// Web Mercator by hand (EPSG:3857 on the unit square): x = (λ + 180) / 360,
// y = (1 − ln(tan φ + sec φ) / π) / 2, times 2^z tiles; a tile is 4096 units wide.
function world(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n];
}
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const [x, y] = world(lon, lat, z);
  return [Math.floor(x), Math.floor(y)];
}
function inTile(lon: number, lat: number, z: number, tx: number, ty: number): [number, number] {
  const [x, y] = world(lon, lat, z);
  return [(x - tx) * 4096, (y - ty) * 4096];
}

interface Decoded {
  id: number | undefined;
  type: number;
  props: Record<string, unknown>;
  rings: { x: number; y: number }[][];
}
function decode(buf: Buffer, layer: string): Decoded[] {
  const vt = new VectorTile(new PbfReader(buf));
  const l = vt.layers[layer];
  if (!l) return [];
  assert.equal(l.extent, 4096);
  const out: Decoded[] = [];
  for (let i = 0; i < l.length; i++) {
    const f = l.feature(i);
    out.push({
      id: f.id,
      type: f.type,
      props: { ...f.properties },
      rings: f.loadGeometry().map((r) => r.map((p) => ({ x: p.x, y: p.y }))),
    });
  }
  return out;
}

/** Surveyor's formula in tile coordinates: MVT §4.3.4.4 wants exterior rings positive. */
function area(ring: { x: number; y: number }[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % ring.length];
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}
const byFid = (fs: Decoded[]) => new Map(fs.map((f) => [f.props.fid as string, f]));

const A1 = { w: 120.15, s: 30.25, e: 120.152, n: 30.252 };
const Z = 14;
const [AX, AY] = tileOf(120.151, 30.251, Z);

const district = (districts: string[]): User => ({ id: 7, username: 'qx', name: '区县', role: 'district', districts, via: 'token' });
const staff: User = { id: 8, username: 'sc', name: '审查', role: 'reviewer', districts: [], via: 'token' };
const anonymous: User = { id: null, username: 'anonymous', name: '公众', role: 'anonymous', districts: [], via: 'anonymous' };

for (const tdb of testDatabases()) {
  describe(`vector tiles on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    const tileUrl = (layer: string, z: number, x: number, y: number) => `/tiles/${layer}/${z}/${x}/${y}.mvt`;

    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      // Until the lead wires tileRoutes into buildApp.
      if (!app.hasRoute({ method: 'GET', url: TILE_ROUTE })) tileRoutes(app, h.db, h.config, OPTIONS);
      await app.ready();
      await importFile(h.db, h.config, `${FIX}/ghyd_v1.geojson`, { layer: 'GHYD', user: 'test', qc: false }); // tile fixtures, not deliveries: no 质检
      await importFile(h.db, h.config, `${FIX}/dltb.geojson`, { layer: 'DLTB', user: 'test', qc: false });
      await importFile(h.db, h.config, `${FIX}/xzq.geojson`, { layer: 'XZQ', user: 'test', qc: false });
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('the tile holding a parcel has it, with its declared attributes, at the right place', async () => {
      // Sanity of the fixture: the whole of A1 lies in this one z14 tile.
      assert.deepEqual(tileOf(A1.w, A1.n, Z), [AX, AY]);
      assert.deepEqual(tileOf(A1.e, A1.s, Z), [AX, AY]);
      const r = await app.inject(tileUrl('GHYD', Z, AX, AY));
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'application/vnd.mapbox-vector-tile');
      assert.equal(r.headers['cache-control'], 'public, max-age=60');
      const feats = decode(r.rawPayload, 'GHYD');
      assert.equal(feats.length, 1);
      const f = feats[0];
      // Only fid and GHYD's attr_schema names; NOTE (undeclared) and the nested object stay out.
      assert.deepEqual(f.props, { fid: 'A1', YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地', DYBH: 'GS-01' });
      assert.equal(typeof f.id, 'number');
      // Each corner of A1 is a vertex of the tile's ring, to the pixel (ST_AsMVTGeom rounds to integers).
      const ring = f.rings[0];
      for (const [lon, lat] of [
        [A1.w, A1.s],
        [A1.e, A1.s],
        [A1.e, A1.n],
        [A1.w, A1.n],
      ]) {
        const [ex, ey] = inTile(lon, lat, Z, AX, AY);
        const d = Math.min(...ring.map((p) => Math.hypot(p.x - ex, p.y - ey)));
        assert.ok(
          d <= 0.75,
          `corner ${lon},${lat} expected at ${ex.toFixed(1)},${ey.toFixed(1)}; nearest vertex ${d.toFixed(2)} units away in ${JSON.stringify(ring)}`,
        );
      }
      // The .pbf spelling is the same tile.
      const p = await app.inject(`/tiles/GHYD/${Z}/${AX}/${AY}.pbf`);
      assert.equal(p.statusCode, 200);
      assert.deepEqual(
        decode(p.rawPayload, 'GHYD').map((x) => x.props.fid),
        ['A1'],
      );
    });

    test('a far tile has the other parcel and not this one; a tile with nothing is 204', async () => {
      const [bx, by] = tileOf(119.505, 29.805, Z);
      const far = await app.inject(tileUrl('GHYD', Z, bx, by));
      assert.equal(far.statusCode, 200);
      assert.deepEqual(
        decode(far.rawPayload, 'GHYD').map((f) => f.props.fid),
        ['A2'],
      );
      const [ex, ey] = tileOf(120.4, 30.5, Z);
      const empty = await app.inject(tileUrl('GHYD', Z, ex, ey));
      assert.equal(empty.statusCode, 204);
      assert.equal(empty.rawPayload.length, 0);
      assert.ok(empty.headers.etag);
      // At zoom 0 the whole world is one tile: both parcels, each far smaller than a tile pixel
      // (≈ 9.8 km) — so they are left out, and the tile is empty.
      assert.equal((await app.inject(tileUrl('GHYD', 0, 0, 0))).statusCode, 204);
      // At zoom 9 they are in different tiles, and A1 (0.002° ≈ 12 tile pixels wide) is kept.
      const [x9, y9] = tileOf(120.151, 30.251, 9);
      assert.deepEqual(
        decode((await app.inject(tileUrl('GHYD', 9, x9, y9))).rawPayload, 'GHYD').map((f) => f.props.fid),
        ['A1'],
      );
    });

    test('gzip when the client accepts it, the same tile inside, a tag per representation', async () => {
      const plain = await app.inject(tileUrl('GHYD', Z, AX, AY));
      const gz = await app.inject({ url: tileUrl('GHYD', Z, AX, AY), headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(gz.statusCode, 200);
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gz.headers.vary, 'Accept-Encoding');
      assert.deepEqual(gunzipSync(gz.rawPayload), plain.rawPayload);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.notEqual(gz.headers.etag, plain.headers.etag);
      const refused = await app.inject({ url: tileUrl('GHYD', Z, AX, AY), headers: { 'accept-encoding': 'gzip;q=0, identity' } });
      assert.equal(refused.headers['content-encoding'], undefined);
      assert.equal(refused.headers.etag, plain.headers.etag);
    });

    test('a big tile goes out uncompressed when built, gzip-coded from the cache afterwards', async () => {
      // Every tile counts as big here (inlineGzipBytes 0).
      const tiles = new TileService(h.db, { ...OPTIONS, inlineGzipBytes: 0 });
      try {
        const t = await tiles.target(anonymous, 'GHYD');
        const c = { z: Z, x: AX, y: AY };
        const first = await tiles.tile(t, c, true);
        assert.equal(first.gzip, false);
        let later = first;
        for (let i = 0; i < 100 && !later.gzip; i++) {
          await new Promise((r) => setTimeout(r, 10));
          later = await tiles.tile(t, c, true);
        }
        assert.equal(later.gzip, true, 'compressed in the background');
        assert.deepEqual(gunzipSync(later.body), first.body);
        assert.equal(tiles.cache.size, 1);
      } finally {
        tiles.close();
      }
    });

    test('TileJSON 3.0.0: absolute tile URL, zooms, bounds of the data, fields, version', async () => {
      const r = await app.inject({ url: '/tiles/GHYD.json', headers: { host: 'maps.example.gov.cn:8443' } });
      assert.equal(r.statusCode, 200, r.body);
      const tj = r.json();
      assert.equal(tj.tilejson, '3.0.0');
      assert.deepEqual(tj.tiles, ['http://maps.example.gov.cn:8443/tiles/GHYD/{z}/{x}/{y}.mvt']);
      assert.equal(tj.name, '规划用地（用地用海分类）');
      assert.equal(tj.version, '1.1.0');
      assert.equal(tj.scheme, 'xyz');
      assert.deepEqual([tj.minzoom, tj.maxzoom], [0, 18]);
      // A2's south-west corner to A1's north-east corner.
      const want = [119.5, 29.8, 120.152, 30.252];
      tj.bounds.forEach((v: number, i: number) => assert.ok(Math.abs(v - want[i]) < 2e-7, `bounds ${tj.bounds} ≠ ${want}`));
      assert.equal(tj.vector_layers.length, 1);
      assert.equal(tj.vector_layers[0].id, 'GHYD');
      assert.deepEqual(Object.keys(tj.vector_layers[0].fields).sort(), ['DYBH', 'YDYHFLDM', 'YDYHFLMC', 'fid']);
      const list = (await app.inject('/tiles')).json();
      const codes = list.layers.map((l: { code: string }) => l.code);
      assert.ok(codes.includes('GHYD') && codes.includes('XZQ'));
      assert.ok(!codes.includes('DLTB'), 'a restricted layer is not listed for the public');
      assert.match(list.layers.find((l: { code: string }) => l.code === 'GHYD').tilejson, /^http:\/\/[^/]+\/tiles\/GHYD\.json$/);
    });

    test('ETag: If-None-Match answers 304; the cached tile and the 304 cost no query', async () => {
      let queries = 0;
      const counting: Db = {
        ...h.db,
        query: (sql, params, opts) => {
          queries++;
          return h.db.query(sql, params, opts);
        },
      };
      const bare = Fastify();
      // A long re-check interval so the count below cannot be disturbed by a slow machine.
      tileRoutes(bare, counting, h.config, { ...OPTIONS, recheckMs: 60_000 });
      try {
        const url = tileUrl('GHYD', Z, AX, AY);
        const first = await bare.inject(url);
        assert.equal(first.statusCode, 200);
        // The catalogue snapshot, which MVT encoder this PostGIS allows (once), the tile.
        assert.equal(queries, 3);
        const etag = first.headers.etag as string;
        assert.match(etag, /^"t\d+-\d+\.1\.[0-9a-z]+-all-14\.\d+\.\d+"$/);
        const again = await bare.inject(url);
        assert.deepEqual(again.rawPayload, first.rawPayload);
        assert.equal(again.headers.etag, etag);
        const cond = await bare.inject({ url, headers: { 'if-none-match': `"other", ${etag}` } });
        assert.equal(cond.statusCode, 304);
        assert.equal(cond.rawPayload.length, 0);
        assert.equal(cond.headers.etag, etag);
        assert.equal((await bare.inject({ url, headers: { 'if-none-match': `W/${etag}` } })).statusCode, 304);
        // An uncached tile answers 304 just the same: the tag is known without building the tile.
        const [bx, by] = tileOf(119.505, 29.805, Z);
        const otherTag = (first.headers.etag as string).replace(`-14.${AX}.${AY}"`, `-14.${bx}.${by}"`);
        assert.equal((await bare.inject({ url: tileUrl('GHYD', Z, bx, by), headers: { 'if-none-match': otherTag } })).statusCode, 304);
        assert.equal(queries, 3, 'no query after the first tile');
        assert.equal((await bare.inject({ url, headers: { 'if-none-match': '"t1-stale"' } })).statusCode, 200);
        // A strong tag promises the same bytes: a tile built again from scratch is identical.
        const fresh = new TileService(h.db, OPTIONS);
        try {
          const t = await fresh.target(anonymous, 'GHYD');
          assert.equal(`"${fresh.tag(t, { z: Z, x: AX, y: AY })}"`, etag);
          assert.deepEqual(await fresh.identity(await fresh.tile(t, { z: Z, x: AX, y: AY }, true)), first.rawPayload);
        } finally {
          fresh.close();
        }
      } finally {
        await bare.close();
      }
    });

    test('a new version changes the tile and its ETag at once, with no restart', async () => {
      const url = tileUrl('GHYD', Z, AX, AY);
      const v1 = await app.inject(url);
      await importFile(h.db, h.config, `${FIX}/ghyd_v2.geojson`, { layer: 'GHYD', user: 'test', qc: false });
      const v2 = await app.inject(url);
      assert.equal(v2.statusCode, 200);
      assert.notEqual(v2.headers.etag, v1.headers.etag);
      assert.equal(decode(v2.rawPayload, 'GHYD')[0].props.YDYHFLDM, '0901');
      assert.equal(
        (await app.inject({ url, headers: { 'if-none-match': v1.headers.etag as string } })).statusCode,
        200,
        'the old tag is stale',
      );
      assert.equal((await app.inject('/tiles/GHYD.json')).json().version, '1.2.0');
    });

    test('a version switched by another process is seen within about a second', async () => {
      const url = tileUrl('GHYD', Z, AX, AY);
      assert.equal(decode((await app.inject(url)).rawPayload, 'GHYD')[0].props.YDYHFLDM, '0901');
      // Another process rolls GHYD back to version 1: no in-process event reaches this server.
      await h.db.query(`UPDATE layer SET active_version = 1 WHERE code = 'GHYD'`);
      await new Promise((r) => setTimeout(r, 1100));
      const back = await app.inject(url);
      assert.equal(decode(back.rawPayload, 'GHYD')[0].props.YDYHFLDM, '0701');
      await h.db.query(`UPDATE layer SET active_version = 2 WHERE code = 'GHYD'`);
    });

    test('a restricted layer does not exist for the public: same 404 as an unknown code', async () => {
      for (const [restricted, unknown] of [
        [tileUrl('DLTB', Z, AX, AY), tileUrl('NOPE', Z, AX, AY)],
        ['/tiles/DLTB.json', '/tiles/NOPE.json'],
      ]) {
        const a = await app.inject(restricted);
        const b = await app.inject(unknown);
        assert.equal(a.statusCode, 404);
        assert.equal(b.statusCode, 404);
        assert.equal(a.body, b.body.replaceAll('NOPE', 'DLTB'));
        assert.equal(a.headers['cache-control'], b.headers['cache-control']);
        assert.equal(a.headers.etag, undefined);
      }
    });

    test('bad tile addresses are 400 with the reason', async () => {
      const cases: [string, RegExp][] = [
        ['/tiles/GHYD/23/0/0.mvt', /zoom must be an integer from 0 to 22, got "23"/],
        ['/tiles/GHYD/-1/0/0.mvt', /zoom must be an integer/],
        ['/tiles/GHYD/1.5/0/0.mvt', /zoom must be an integer/],
        ['/tiles/GHYD/2/4/0.mvt', /x must be an integer from 0 to 3 at zoom 2, got "4"/],
        ['/tiles/GHYD/2/0/4.mvt', /y must be an integer from 0 to 3 at zoom 2, got "4"/],
        ['/tiles/GHYD/2/0/x.mvt', /tile must be "\{y\}\.mvt"/],
        ['/tiles/GHYD/2/0/1.png', /tile must be "\{y\}\.mvt"/],
        ['/tiles/GHYD/22/4194304/0.mvt', /x must be an integer from 0 to 4194303/],
      ];
      for (const [url, msg] of cases) {
        const r = await app.inject(url);
        assert.equal(r.statusCode, 400, url);
        assert.match(r.json().error, msg, url);
      }
      // The address is judged before the layer: no difference between a restricted and an unknown one.
      assert.equal((await app.inject('/tiles/DLTB/23/0/0.mvt')).statusCode, 400);
      assert.equal((await app.inject('/tiles/GHYD')).statusCode, 404);
    });

    test('SQL injection in the layer code and the tile address: refused, nothing changed', async () => {
      const before = await storeSnapshot(h.db);
      const enc = encodeURIComponent;
      const cases: [string, number][] = [
        [`/tiles/${enc("'; DROP TABLE layer; --")}/14/0/0.mvt`, 404],
        [`/tiles/${enc("'; DROP TABLE layer; --")}.json`, 404],
        [`/tiles/${enc("GHYD' OR '1'='1")}/14/${AX}/${AY}.mvt`, 404],
        [`/tiles/GHYD%27%3B%20DELETE%20FROM%20feature%3B%20--/14/0/0.mvt`, 404],
        [`/tiles/GHYD/${enc('1 OR 1=1')}/0/0.mvt`, 400],
        [`/tiles/GHYD/14/${enc("1' OR '1'='1")}/0.mvt`, 400],
        [`/tiles/GHYD/14/0/${enc('0; DROP TABLE feature; --')}.mvt`, 400],
        [`/tiles/GHYD/14/0/${enc("0'")}.pbf`, 400],
        [`/tiles/GHYD/%2714/0/0.mvt`, 400],
      ];
      for (const [url, status] of cases) assert.equal((await app.inject(url)).statusCode, status, url);
      assert.equal(await storeSnapshot(h.db), before);
      assert.equal((await app.inject(tileUrl('GHYD', Z, AX, AY))).statusCode, 200);
    });

    test('district officers get only what lies in their districts; scoped tiles are cached apart', async () => {
      const tiles = new TileService(h.db, OPTIONS);
      try {
        const fids = async (u: User) => {
          const t = await tiles.target(u, 'dltb');
          const e = await tiles.tile(t, { z: Z, x: AX, y: AY }, true);
          return {
            tag: tiles.tag(t, { z: Z, x: AX, y: AY }),
            fids: decode(await tiles.identity(e), 'DLTB')
              .map((f) => f.props.fid)
              .sort(),
          };
        };
        const all = await fids(staff);
        assert.deepEqual(all.fids, ['T-IN', 'T-OUT']);
        const shang = await fids(district(['330102']));
        assert.deepEqual(shang.fids, ['T-IN']);
        const gong = await fids(district(['330105']));
        assert.deepEqual(gong.fids, ['T-OUT']);
        assert.deepEqual((await fids(district(['330105', '330102']))).fids, ['T-IN', 'T-OUT']);
        assert.equal(
          (await fids(district(['330102', '330105']))).tag,
          (await fids(district(['330105', '330102']))).tag,
          'order of districts does not matter',
        );
        assert.equal(new Set([all.tag, shang.tag, gong.tag]).size, 3, 'each scope has its own tag and cache entry');
        // Staff see the whole layer again, from the cache, not a district's cut.
        assert.deepEqual((await fids(staff)).fids, ['T-IN', 'T-OUT']);
        await assert.rejects(tiles.target(anonymous, 'DLTB'), UnknownLayerError);
        await assert.rejects(tiles.target(district([]), 'DLTB'), UnknownLayerError);
        // A new district layer version changes the scoped tags (the outlines may have moved). The same
        // file again would write no version (nothing changed), so the names carry a remark this time.
        const xzq = JSON.parse(readFileSync(`${FIX}/xzq.geojson`, 'utf8')) as { features: { properties: Record<string, unknown> }[] };
        for (const f of xzq.features) f.properties.BZ = '第二版';
        const xzq2 = join(mkdtempSync(join(tmpdir(), 'onemap-tiles-')), 'xzq2.geojson');
        writeFileSync(xzq2, JSON.stringify(xzq));
        await importFile(h.db, h.config, xzq2, { layer: 'XZQ', user: 'test', note: 'same outlines, new version', qc: false });
        rmSync(dirname(xzq2), { recursive: true, force: true });
        assert.notEqual((await fids(district(['330102']))).tag, shang.tag);
        assert.equal((await fids(staff)).tag, all.tag);
      } finally {
        tiles.close();
      }
    });

    test('signed in over HTTP: staff read a restricted layer whole, a district officer only inside the district', async () => {
      const reviewer = await authHeaders(h.db, 'reviewer');
      const officer = await authHeaders(h.db, 'district', { districts: ['330102'] });
      const url = tileUrl('DLTB', Z, AX, AY);
      const all = await app.inject({ url, headers: reviewer });
      assert.equal(all.statusCode, 200, all.body);
      assert.equal(all.headers['cache-control'], 'private, max-age=60');
      assert.deepEqual(
        decode(all.rawPayload, 'DLTB')
          .map((f) => f.props.fid)
          .sort(),
        ['T-IN', 'T-OUT'],
      );
      const mine = await app.inject({ url, headers: officer });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(
        decode(mine.rawPayload, 'DLTB').map((f) => f.props.fid),
        ['T-IN'],
      );
      assert.notEqual(mine.headers.etag, all.headers.etag);
      // The officer's tag does not unlock the staff tile, nor the other way round.
      assert.equal((await app.inject({ url, headers: { ...reviewer, 'if-none-match': mine.headers.etag as string } })).statusCode, 200);
      assert.equal((await app.inject({ url, headers: { ...officer, 'if-none-match': all.headers.etag as string } })).statusCode, 200);
      assert.equal((await app.inject({ url, headers: { ...officer, 'if-none-match': mine.headers.etag as string } })).statusCode, 304);
      // And the public still gets nothing, after staff filled the cache.
      assert.equal((await app.inject(url)).statusCode, 404);
      assert.equal((await app.inject({ url: '/tiles/DLTB.json', headers: reviewer })).json().vector_layers[0].id, 'DLTB');
      const listed = (await app.inject({ url: '/tiles', headers: officer })).json().layers.map((l: { code: string }) => l.code);
      assert.ok(listed.includes('DLTB'));
    });

    test('every geometry kind: holes, multi-parts, lines, points, clipping, tiny polygons left out', async () => {
      await importFile(h.db, h.config, `${FIX}/shapes.geojson`, { layer: 'TSHAPES', user: 'test' });
      const tiles = new TileService(h.db, OPTIONS);
      try {
        const get = async (z: number, x: number, y: number) => {
          const t = await tiles.target(staff, 'TSHAPES');
          return byFid(decode(await tiles.identity(await tiles.tile(t, { z, x, y }, false)), 'TSHAPES'));
        };
        const [sx, sy] = tileOf(120.2, 30.3, 14);
        assert.deepEqual([sx, sy], [13662, 6743]);
        const f = await get(14, sx, sy);
        assert.deepEqual([...f.keys()].sort(), ['EDGE', 'HOLE', 'LINE', 'MULTI', 'PT', 'TINY']);
        // Attributes keep their JSON types; the null one is left out (as ST_AsMVT does).
        assert.deepEqual(f.get('MULTI')!.props, { fid: 'MULTI', KIND: 'two squares', N: -2, R: 0.5 });
        assert.deepEqual(f.get('LINE')!.props, { fid: 'LINE', KIND: 'line', OK: true });
        assert.deepEqual(f.get('PT')!.props, { fid: 'PT', KIND: 'point' });

        const hole = f.get('HOLE')!;
        assert.equal(hole.type, 3);
        assert.equal(hole.rings.length, 2);
        assert.ok(area(hole.rings[0]) > 0 && area(hole.rings[1]) < 0, 'exterior ring positive, hole negative');
        // Outer ring 0.005° × 0.005°, hole 0.002° × 0.002°, by hand in tile units.
        const [x0, y0] = inTile(120.195, 30.305, 14, sx, sy);
        const [x1, y1] = inTile(120.2, 30.3, 14, sx, sy);
        assert.ok(Math.abs(area(hole.rings[0]) - (x1 - x0) * (y1 - y0)) < (x1 - x0 + y1 - y0) * 1.5, `outer area ${area(hole.rings[0])}`);
        const multi = f.get('MULTI')!;
        assert.equal(multi.type, 3);
        assert.equal(multi.rings.length, 2);
        assert.ok(
          multi.rings.every((r) => area(r) > 0),
          'two exteriors',
        );

        const line = f.get('LINE')!;
        assert.equal(line.type, 2);
        const want = [
          [120.195, 30.31],
          [120.2, 30.312],
          [120.205, 30.309],
        ].map(([lon, lat]) => inTile(lon, lat, 14, sx, sy));
        assert.equal(line.rings[0].length, 3);
        line.rings[0].forEach((p, i) => assert.ok(Math.hypot(p.x - want[i][0], p.y - want[i][1]) <= 0.75, `line vertex ${i}`));
        const pt = f.get('PT')!;
        assert.equal(pt.type, 1);
        const [px, py] = inTile(120.208, 30.306, 14, sx, sy);
        assert.ok(Math.hypot(pt.rings[0][0].x - px, pt.rings[0][0].y - py) <= 0.75);

        // EDGE reaches far past the east edge: cut at the 256-unit buffer.
        const edge = f.get('EDGE')!;
        assert.equal(Math.max(...edge.rings[0].map((p) => p.x)), 4096 + 256);
        // TINY (≈ 1.9 tile pixels at z14) is there; at z12 it is under a pixel and left out, HOLE is not.
        const z12 = await get(12, sx >> 2, sy >> 2);
        assert.ok(z12.has('HOLE') && !z12.has('TINY'));

        // BIG covers this z14 tile whole: one square, the tile and its buffer.
        const [bx, by] = tileOf(119.8, 29.7, 14);
        const big = (await get(14, bx, by)).get('BIG')!;
        const xs = big.rings[0].map((p) => p.x);
        const ys = big.rings[0].map((p) => p.y);
        assert.deepEqual([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], [-256, -256, 4352, 4352]);
        assert.equal(area(big.rings[0]), 4608 * 4608);

        const tj = (await app.inject({ url: '/tiles/TSHAPES.json', headers: await authHeaders(h.db, 'planner') })).json();
        assert.deepEqual(
          Object.keys(tj.vector_layers[0].fields).sort(),
          ['KIND', 'N', 'NOTE', 'OK', 'R', 'fid'],
          'a layer without attr_schema lists the keys of its data',
        );
      } finally {
        tiles.close();
      }
    });

    test('the portable encoder (embedded PostGIS has no ST_AsMVT) draws what ST_AsMVT draws', async (t) => {
      const native = await tileEncoder(h.db);
      if (native !== 'postgis') return t.skip(`this PostGIS has no protobuf support: only the portable encoder runs here (${tdb.name})`);
      const layer = (await layersWithVersions(h.db)).find((l) => l.code === 'TSHAPES')!;
      const scope = { layer, districts: null };
      const build = (enc: TileEncoder, z: number, x: number, y: number) =>
        buildTile(
          h.db,
          tileSql({ layerId: layer.id, geometryType: layer.geometry_type }, scope, enc),
          tileParams({ z, x, y }, layer.active_version!, 'TSHAPES', null, null),
          enc,
        );
      const [bx, by] = tileOf(119.8, 29.7, 14);
      let compared = 0;
      for (const [z, x, y] of [
        [14, 13662, 6743],
        [12, 3415, 1685],
        [16, 54648, 26974],
        [10, 853, 421],
        [14, bx, by],
        [7, 106, 52],
      ]) {
        const a = byFid(decode(await build('postgis', z, x, y), 'TSHAPES'));
        const b = byFid(decode(await build('portable', z, x, y), 'TSHAPES'));
        assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `features of ${z}/${x}/${y}`);
        for (const [fid, fa] of a) {
          const fb = b.get(fid)!;
          assert.deepEqual(fb.props, fa.props, `${fid} attributes`);
          assert.equal(fb.type, fa.type, `${fid} type`);
          assert.equal(fb.id, fa.id, `${fid} id`);
          assert.equal(fb.rings.length, fa.rings.length, `${fid} rings at ${z}/${x}/${y}`);
          fa.rings.forEach((ra, i) => {
            const rb = fb.rings[i];
            if (fa.type === 3)
              assert.ok(
                Math.abs(area(ra) - area(rb)) <= Math.max(2, Math.abs(area(ra)) * 0.01),
                `${fid} ring ${i} area ${area(ra)} vs ${area(rb)} at ${z}/${x}/${y}`,
              );
            for (const p of ra)
              assert.ok(
                rb.some((q) => Math.abs(p.x - q.x) <= 1 && Math.abs(p.y - q.y) <= 1),
                `${fid} vertex ${p.x},${p.y} at ${z}/${x}/${y}`,
              );
          });
          compared++;
        }
      }
      assert.ok(compared >= 20, `${compared} features compared`);
    });
  });
}
