// Issue 18 item 6: GeoJSON text in GBK (declared with --encoding or detected), and the warnings an
// import gives instead of silently storing damage: text that did not decode (U+FFFD), a .shx that
// does not match its .shp, and planar areas computed across Gauss-Krüger zones.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { openGeoJson } from '../src/importers/geojson.ts';
import { openShapefile } from '../src/importers/shapefile/reader.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { testDatabases } from './helpers/db.ts';
import { drain } from './helpers/drain.ts';

const SHP = fileURLToPath(new URL('../fixtures/import/shapefile', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'onemap-enc-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(tmp, `${n++}-${name}`);

// 「乗俓」 is 81 5C 82 5C in GBK: trail bytes equal to "\", so a byte scanner reading the file as
// UTF-8 would take the closing quote after it for an escaped one.
const NAMES = ['西湖区', '乗俓', '钱塘江'];
function gbkGeoJson(names = NAMES): string {
  const features = names.map((name, i) => ({
    type: 'Feature',
    id: i + 1,
    properties: { NAME: name, 地类: '水田' },
    geometry: { type: 'Point', coordinates: [120.1 + i * 0.01, 30.2] },
  }));
  const p = fresh('gbk.geojson');
  writeFileSync(p, iconv.encode(JSON.stringify({ type: 'FeatureCollection', features }, null, 1), 'GBK'));
  return p;
}

test('GeoJSON in GBK: --encoding GBK and detection both give the Chinese names, at any chunk size', async () => {
  const p = gbkGeoJson();
  for (const opts of [{ encoding: 'GBK' }, {}]) {
    for (const chunkSize of [5, 256 << 10]) {
      const { reader, features } = await drain(await openGeoJson(p, opts, { chunkSize }));
      assert.equal(reader.info.encoding, 'GBK');
      assert.deepEqual(
        features.map((f) => [f.props.NAME, f.props['地类']]),
        NAMES.map((x) => [x, '水田']),
      );
      assert.deepEqual(reader.info.warnings, []);
    }
  }
});

test('GeoJSON read as UTF-8 that is not: each damaged field is named with its feature', async () => {
  // Without 乗俓: read as UTF-8, its "\" trail bytes would break the structure, not just the text.
  const { reader, features } = await drain(await openGeoJson(gbkGeoJson(['西湖区', '上城区', '钱塘江']), { encoding: 'UTF-8' }));
  assert.ok(String(features[0].props.NAME).includes('\uFFFD'));
  const w = reader.info.warnings!;
  assert.equal(w.length, 3);
  assert.match(w[0], /gbk\.geojson 第 1 个要素（第 \d+ 行）的字段 NAME、\uFFFD+ 含无法解码的字符（按 UTF-8 读取）/);
  assert.match(w[2], /第 3 个要素/);
});

test('Shapefile whose .cpg wrongly says UTF-8: replacement-character warning names file, record, field', async () => {
  const dir = fresh('cpg');
  cpSync(join(SHP, 'dltb_gbk'), dir, { recursive: true });
  writeFileSync(join(dir, 'dltb_gbk.cpg'), 'UTF-8');
  const { reader } = await drain(await openShapefile(dir, {}));
  assert.equal(reader.info.encoding, 'UTF-8');
  const w = reader.info.warnings!;
  assert.ok(w.length > 0, 'a warning');
  assert.match(w[0], /dltb_gbk\.dbf 第 1 条记录的字段 .*DLMC.* 含无法解码的字符（按 UTF-8 读取）/);
});

test('.shx truncated or with a shifted offset: a warning naming both files; the .shp is read whole', async () => {
  const good = await drain(await openShapefile(join(SHP, 'dltb_gbk'), {}));
  assert.deepEqual(good.reader.info.warnings, []);
  const same = (fs: typeof good.features) => fs.map((f) => [f.fid, f.props, f.wkb?.toString('hex')]);

  const short = fresh('shx-short');
  cpSync(join(SHP, 'dltb_gbk'), short, { recursive: true });
  truncateSync(join(short, 'dltb_gbk.shx'), 100 + 2 * 8); // 2 of 4 index entries left
  const s = await drain(await openShapefile(short, {}));
  assert.deepEqual(same(s.features), same(good.features));
  assert.equal(s.reader.info.warnings!.length, 1);
  assert.match(s.reader.info.warnings![0], /dltb_gbk\.shx 与 .*dltb_gbk\.shp 不一致：\.shx 索引 2 条记录，\.shp 与 \.dbf 有 4 条/);

  const shifted = fresh('shx-offset');
  cpSync(join(SHP, 'dltb_gbk'), shifted, { recursive: true });
  const shx = readFileSync(join(shifted, 'dltb_gbk.shx'));
  const off2 = shx.readUInt32BE(100 + 8) * 2; // record 2's real offset in the .shp
  shx.writeUInt32BE(off2 / 2 + 4, 100 + 8);
  writeFileSync(join(shifted, 'dltb_gbk.shx'), shx);
  const o = await drain(await openShapefile(shifted, {}));
  assert.deepEqual(same(o.features), same(good.features));
  assert.equal(o.reader.info.warnings!.length, 1);
  assert.match(o.reader.info.warnings![0], new RegExp(`第 2 条记录在 \\.shx 中的偏移为 ${off2 + 8}、.*在 \\.shp 中为偏移 ${off2}、`));
});

for (const tdb of testDatabases()) {
  describe(`encoding and zone warnings on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    before(async () => {
      h = await tdb.open();
    });
    after(async () => {
      await h.close();
    });

    const names = async (layer: string) =>
      (
        await h.db.query<{ name: string }>(
          `SELECT f.props->>'NAME' AS name FROM feature f JOIN layer l ON l.id = f.layer_id
            WHERE l.code = $1 AND f.v_to IS NULL ORDER BY f.fid::int`,
          [layer],
        )
      ).rows.map((r) => r.name);

    test('a GBK GeoJSON imports with the right names, with --encoding GBK and without', async () => {
      const p = gbkGeoJson();
      const a = await importFile(h.db, h.config, p, { layer: 'GBK_DECLARED', encoding: 'GBK' });
      const b = await importFile(h.db, h.config, p, { layer: 'GBK_DETECTED' });
      assert.equal(a.encoding, 'GBK');
      assert.equal(b.encoding, 'GBK');
      assert.deepEqual(await names('GBK_DECLARED'), NAMES);
      assert.deepEqual(await names('GBK_DETECTED'), NAMES);
    });

    const square = (x0: number, x1: number, y0 = 29.6, y1 = 29.61) => [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ];
    const write = (name: string, coords: number[][][][], crs?: string) => {
      const p = fresh(name);
      const features = coords.map((c, i) => ({
        type: 'Feature',
        id: i + 1,
        properties: {},
        geometry: { type: 'Polygon', coordinates: c },
      }));
      writeFileSync(
        p,
        JSON.stringify({ type: 'FeatureCollection', ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}), features }),
      );
      return p;
    };

    test('a polygon across zones 39 and 40 warns; polygons each inside one zone do not', async () => {
      // The boundary between 3° zones 39 (CM 117°E) and 40 (CM 120°E) is 118.5°E.
      const across = await importFile(h.db, h.config, write('across.geojson', [square(118.4, 118.6)]), { layer: 'ZONES_ACROSS' });
      const z = across.warnings.filter((w) => /高斯-克吕格带/.test(w));
      assert.equal(z.length, 1);
      assert.match(z[0], /1 个面要素跨越不止一个 3° 高斯-克吕格带，如 1（第 39–40 带）/);

      const apart = await importFile(h.db, h.config, write('apart.geojson', [square(118.4, 118.45), square(118.55, 118.6)]), {
        layer: 'ZONES_APART',
      });
      assert.deepEqual(apart.warnings, []);
    });

    test('a file in GK zone 40 whose layer reaches into zone 39 warns with the zones spanned', async () => {
      // Corners 118.40/118.45°E at 29.6°N in EPSG:4528 (zone 40 with prefix), by PostGIS.
      const corner = async (lon: number, lat: number) =>
        (
          await h.db.query<{ x: number; y: number }>(
            `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4490), 4528) AS p) s`,
            [lon, lat],
          )
        ).rows[0];
      const ring: number[][] = [];
      for (const [lon, lat] of [
        [118.4, 29.6],
        [118.45, 29.6],
        [118.45, 29.61],
        [118.4, 29.61],
        [118.4, 29.6],
      ]) {
        const c = await corner(lon, lat);
        ring.push([c.x, c.y]);
      }
      const r = await importFile(h.db, h.config, write('zone40.geojson', [[ring]], 'EPSG:4528'), { layer: 'ZONE40_FILE' });
      assert.equal(r.sourceSrid, 4528);
      const z = r.warnings.filter((w) => /EPSG:4528/.test(w));
      assert.equal(z.length, 1);
      assert.match(z[0], /坐标为 3° 带第 40 带（EPSG:4528），但图层范围 118\.3\d+–118\.45\d+°E 位于 3° 带第 39 带/);
    });
  });
}
