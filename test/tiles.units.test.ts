// Vector tile parts that need no database: tile addresses, sizes by zoom, the byte-bounded LRU,
// HTTP negotiation helpers, and the portable MVT encoder read back with @mapbox/vector-tile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { parseTile, tileAt, tileBounds, tileSizes, TileRequestError } from '../src/tiles/tile-math.ts';
import { TileCache, type CachedTile } from '../src/tiles/tile-cache.ts';
import { acceptsGzip, heldTag } from '../src/tiles/tiles.routes.ts';
import { encodeMvt } from '../src/tiles/mvt.ts';

test('tile addresses: parsed when in range, refused with the reason otherwise', () => {
  assert.deepEqual(parseTile('0', '0', '0.mvt'), { z: 0, x: 0, y: 0 });
  assert.deepEqual(parseTile('22', '4194303', '4194303.pbf'), { z: 22, x: 4194303, y: 4194303 });
  for (const [z, x, y] of [
    ['23', '0', '0.mvt'],
    ['1', '2', '0.mvt'],
    ['1', '0', '2.mvt'],
    ['01e1', '0', '0.mvt'],
    [' 1', '0', '0.mvt'],
    ['1', '0x1', '0.mvt'],
    ['1', '0', '0.png'],
    ['1', '0', '0.mvt.mvt'],
  ]) {
    assert.throws(() => parseTile(z, x, y), TileRequestError, `${z}/${x}/${y}`);
  }
});

test('Web-Mercator tiles: Hangzhou at zoom 10, bounds back to degrees, one pixel by zoom', () => {
  // (120.15 + 180) / 360 × 1024 = 853.76; Mercator y of 30.25°N: 421.3 (worked out in tiles.test.ts' world()).
  assert.deepEqual(tileAt(120.15, 30.25, 10), { z: 10, x: 853, y: 421 });
  const [w, s, e, n] = tileBounds({ z: 10, x: 853, y: 421 });
  assert.ok(w <= 120.15 && e > 120.15 && s <= 30.25 && n > 30.25);
  assert.ok(Math.abs(e - w - 360 / 1024) < 1e-12);
  assert.deepEqual(tileAt(-180, 85.0511287798, 0), { z: 0, x: 0, y: 0 });
  // One tile pixel: the equator's 40,075,016.686 m / 2^z / 4096.
  const s0 = tileSizes({ z: 0, x: 0, y: 0 });
  assert.ok(Math.abs(s0.toleranceM - 9783.94) < 0.01);
  const s16 = tileSizes({ z: 16, x: 54631, y: 26996 });
  assert.ok(Math.abs(s16.toleranceM - 0.1493) < 1e-4);
  // Latitude degrees per pixel shrink by cos φ (≈ 0.864 at 30.2°N).
  assert.ok(Math.abs(s16.minHeightDeg / s16.minWidthDeg - Math.cos((30.2 * Math.PI) / 180)) < 1e-3);
});

test('tile cache: bounded by bytes, least recently used out first, drop by layer', () => {
  const tile = (bytes: number, layerId = 1, scoped = false): CachedTile => ({ body: Buffer.alloc(bytes), gzip: true, layerId, scoped });
  const c = new TileCache(3 * (1000 + 160 + 2));
  c.set('a', tile(1000));
  c.set('b', tile(1000));
  c.set('c', tile(1000, 2));
  assert.equal(c.size, 3);
  assert.ok(c.get('a')); // a is now the most recent: b goes first
  c.set('d', tile(1000, 2));
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((k) => !!c.get(k)),
    [true, false, true, true],
  );
  assert.ok(c.bytes <= c.maxBytes);
  c.set('huge', tile(10_000));
  assert.equal(c.get('huge'), undefined, 'larger than the whole cache: not kept');
  assert.equal(
    c.dropWhere((e) => e.layerId === 2),
    2,
  );
  assert.equal(c.size, 1);
  c.set('a', tile(10)); // replacing an entry frees the old bytes
  assert.equal(c.bytes, 10 + 2 + 160);
});

test('Accept-Encoding and If-None-Match', () => {
  assert.equal(acceptsGzip('gzip, deflate, br'), true);
  assert.equal(acceptsGzip('br;q=1.0, gzip;q=0.8, *;q=0.1'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(heldTag('"a", W/"b"', ['"b"', '"b-gz"']), '"b"');
  assert.equal(heldTag('*', ['"x"']), '"x"');
  assert.equal(heldTag('"c"', ['"b"']), null);
  assert.equal(heldTag(undefined, ['"b"']), null);
});

test('portable MVT encoder: what it writes reads back as written', () => {
  const buf = encodeMvt('L', 4096, [
    {
      id: 7,
      properties: { fid: 'P', n: 3, neg: -4, r: 0.25, ok: false, nested: { a: 1 }, none: null },
      geometry: { type: 'Point', coordinates: [10, 20] },
    },
    {
      id: 8,
      properties: { fid: 'L', n: 3 },
      geometry: {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [10, 0],
          [10, 0],
          [10, 10],
        ],
      },
    },
    {
      id: 9,
      properties: { fid: 'A' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [100, 0],
            [100, 100],
            [0, 100],
            [0, 0],
          ],
          [
            [20, 20],
            [20, 80],
            [80, 80],
            [80, 20],
            [20, 20],
          ],
        ],
      },
    },
    {
      id: 10,
      properties: { fid: 'M' },
      geometry: {
        type: 'MultiPoint',
        coordinates: [
          [1, 1],
          [2, 2],
        ],
      },
    },
    {
      id: 11,
      properties: { fid: 'gone' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [5, 5],
          [5, 5],
        ],
      },
    },
  ]);
  const l = new VectorTile(new PbfReader(buf)).layers.L;
  assert.equal(l.version, 2);
  assert.equal(l.extent, 4096);
  assert.equal(l.length, 4, 'a line collapsed to one point is left out');
  const f = [0, 1, 2, 3].map((i) => l.feature(i));
  assert.deepEqual(
    f.map((x) => [x.id, x.type]),
    [
      [7, 1],
      [8, 2],
      [9, 3],
      [10, 1],
    ],
  );
  assert.deepEqual({ ...f[0].properties }, { fid: 'P', n: 3, neg: -4, r: 0.25, ok: false });
  assert.deepEqual(
    f[0].loadGeometry().map((r) => r.map((p) => [p.x, p.y])),
    [[[10, 20]]],
  );
  assert.deepEqual(
    f[1].loadGeometry().map((r) => r.map((p) => [p.x, p.y])),
    [
      [
        [0, 0],
        [10, 0],
        [10, 10],
      ],
    ],
    'repeated point dropped',
  );
  assert.deepEqual(
    f[2].loadGeometry().map((r) => r.map((p) => [p.x, p.y])),
    [
      [
        [0, 0],
        [100, 0],
        [100, 100],
        [0, 100],
        [0, 0],
      ],
      [
        [20, 20],
        [20, 80],
        [80, 80],
        [80, 20],
        [20, 20],
      ],
    ],
  );
  assert.deepEqual(
    f[3].loadGeometry().map((r) => r.map((p) => [p.x, p.y])),
    [[[1, 1]], [[2, 2]]],
  );
  assert.equal(encodeMvt('L', 4096, []).length, 0);
});
