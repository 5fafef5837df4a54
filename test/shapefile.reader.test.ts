// Shapefile reader against GDAL-written fixtures (fixtures/import/shapefile/README.md lists what each
// holds) and against hand-built records for the ring-grouping rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openShapefile } from '../src/importers/shapefile/reader.ts';
import { prjToSrid } from '../src/importers/shapefile/prj.ts';
import { normalizeEncoding, resolveEncoding } from '../src/importers/shapefile/encoding.ts';
import { parseDbfNumber } from '../src/importers/shapefile/dbf.ts';
import { ShpDecoder } from '../src/importers/shapefile/shp.ts';
import { ImportError, type ReaderOptions, type SourceFeature } from '../src/importers/types.ts';
import { wkbToGeometry, type Geometry, type Position } from '../src/util/wkb.ts';
import { drain } from './helpers/drain.ts';

const DIR = fileURLToPath(new URL('../fixtures/import/shapefile', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'onemap-shptest-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const readAll = async (path: string, opts: ReaderOptions = {}) => drain(await openShapefile(path, opts));

/** A private copy of a fixture folder, to damage or rename. */
function copyFixture(name: string, as = name): string {
  const dest = join(tmp, `${as}-${Math.random().toString(36).slice(2, 8)}`);
  cpSync(join(DIR, name), dest, { recursive: true });
  return dest;
}

const geom = (f: SourceFeature): Geometry => wkbToGeometry(f.wkb!);
/** Twice the signed area (negative = clockwise, the shapefile outer-ring convention). */
const signed = (r: Position[]) => r.reduce((s, p, i) => (i ? s + (r[i - 1][0] * p[1] - p[0] * r[i - 1][1]) : s), 0);
const sorted = (r: Position[]) =>
  r
    .slice(0, -1)
    .map((p) => p.join(' '))
    .sort();

test('GBK shapefile (.cpg "GBK", EPSG:4528): Chinese values and field names read back exactly', async () => {
  // The fixture really is GBK: 耕地 is B8 FB B5 D8 there (README), not E8 80 95 E5 9C B0 (UTF-8).
  const dbf = readFileSync(join(DIR, 'dltb_gbk/dltb_gbk.dbf'));
  assert.ok(dbf.includes(Buffer.from([0xb8, 0xfb, 0xb5, 0xd8])));
  const { reader, features } = await readAll(join(DIR, 'dltb_gbk'));
  assert.equal(reader.info.format, 'shapefile');
  assert.equal(reader.info.encoding, 'GBK');
  assert.equal(reader.info.srid, 4528);
  assert.match(reader.info.sridSource!, /CGCS2000_3_Degree_GK_Zone_40/);
  assert.equal(reader.info.featureCount, 4);
  assert.equal(reader.info.geometryType, 'MULTIPOLYGON');
  assert.deepEqual(
    features.map((f) => [f.fid, f.location]),
    [
      ['1', 'record 1'],
      ['2', 'record 2'],
      ['3', 'record 3'],
      ['4', 'record 4'],
    ],
  );
  assert.deepEqual(features[0].props, {
    BSM: 1,
    DLBM: '0101',
    DLMC: '水田',
    YJDL: '耕地',
    权属单位: '西湖区转塘街道',
    TBMJ: 9600,
    GXSJ: '2023-06-30',
    SFJBNT: 1,
  });
  assert.equal(features[1].props.DLMC, '旱地');
  assert.equal(features[2].props.DLMC, '乔木林地');
  // Blank number/date/text are null, not 0 or "".
  assert.deepEqual([features[2].props.TBMJ, features[2].props.GXSJ, features[2].props.SFJBNT], [null, null, null]);
  assert.equal(features[3].props.权属单位, null);
  assert.equal(features[3].props.TBMJ, 123.45);
  assert.equal(features[3].wkb, null, 'record 4 is a null shape');
  assert.equal(reader.bytesRead(), reader.info.totalBytes! - 1, 'everything but the 0x1A end-of-file byte');
});

test('polygon with a hole and a multipolygon: rings grouped by orientation', async () => {
  const { features } = await readAll(join(DIR, 'dltb_gbk'));
  const g1 = geom(features[0]);
  assert.equal(g1.type, 'Polygon');
  const [outer, hole] = (g1 as { coordinates: Position[][] }).coordinates;
  assert.equal((g1 as { coordinates: Position[][] }).coordinates.length, 2);
  assert.deepEqual(sorted(outer), ['40515000 3340000', '40515000 3340100', '40515100 3340000', '40515100 3340100']);
  assert.deepEqual(sorted(hole), ['40515020 3340020', '40515020 3340040', '40515040 3340020', '40515040 3340040']);
  assert.ok(signed(outer) < 0 && signed(hole) > 0, 'stored order kept: outer clockwise, hole counter-clockwise');

  const g2 = geom(features[1]);
  assert.equal(g2.type, 'MultiPolygon');
  const polys = (g2 as { coordinates: Position[][][] }).coordinates;
  assert.deepEqual(
    polys.map((p) => p.length),
    [1, 2],
  );
  assert.deepEqual(sorted(polys[1][1]), ['40515310 3340010', '40515310 3340020', '40515320 3340010', '40515320 3340020']);

  const g3 = geom(features[2]) as { type: string; coordinates: Position[][] };
  assert.equal(g3.type, 'Polygon');
  assert.deepEqual(g3.coordinates[0][1], [40500550.5, 3330080.75]);
});

/** One polygon .shp record (content only) from rings, 2D. */
function polygonRecord(rings: Position[][]): Buffer {
  const n = rings.reduce((s, r) => s + r.length, 0);
  const b = Buffer.alloc(44 + 4 * rings.length + 16 * n);
  b.writeInt32LE(5, 0);
  b.writeInt32LE(rings.length, 36);
  b.writeInt32LE(n, 40);
  let start = 0,
    o = 44 + 4 * rings.length;
  rings.forEach((r, i) => {
    b.writeInt32LE(start, 44 + 4 * i);
    start += r.length;
    for (const [x, y] of r) {
      b.writeDoubleLE(x, o);
      b.writeDoubleLE(y, o + 8);
      o += 16;
    }
  });
  return b;
}
const square = (x0: number, y0: number, s: number, cw: boolean): Position[] =>
  cw
    ? [
        [x0, y0],
        [x0, y0 + s],
        [x0 + s, y0 + s],
        [x0 + s, y0],
        [x0, y0],
      ]
    : [
        [x0, y0],
        [x0 + s, y0],
        [x0 + s, y0 + s],
        [x0, y0 + s],
        [x0, y0],
      ];

test('holes go to the outer ring that contains them, whatever the ring order; nested islands', () => {
  const A = square(0, 0, 100, true),
    B = square(200, 0, 100, true);
  const hA = square(10, 10, 10, false),
    hB = square(210, 10, 10, false);
  const g = wkbToGeometry(new ShpDecoder().decode(polygonRecord([hB, A, hA, B]), 0, polygonRecord([hB, A, hA, B]).length)!);
  assert.equal(g.type, 'MultiPolygon');
  const polys = (g as { coordinates: Position[][][] }).coordinates;
  assert.deepEqual(
    polys.map((p) => [p[0][0], p[1][0]]),
    [
      [
        [0, 0],
        [10, 10],
      ],
      [
        [200, 0],
        [210, 10],
      ],
    ],
  );

  // Outer 0–100 with hole 10–90, an island 20–80 inside the hole, and a hole 30–40 in the island:
  // the inner hole lies inside both outer rings' boxes and belongs to the smaller (the island).
  const rec = polygonRecord([square(0, 0, 100, true), square(10, 10, 80, false), square(20, 20, 60, true), square(30, 30, 10, false)]);
  const nested = wkbToGeometry(new ShpDecoder().decode(rec, 0, rec.length)!) as { coordinates: Position[][][] };
  assert.deepEqual(
    nested.coordinates.map((p) => p.map((r) => r[0])),
    [
      [
        [0, 0],
        [10, 10],
      ],
      [
        [20, 20],
        [30, 30],
      ],
    ],
  );
});

test('unclosed ring is closed; damaged part table is an error', () => {
  const open = [
    [0, 0],
    [0, 10],
    [10, 10],
    [10, 0],
  ];
  const rec = polygonRecord([open]);
  const g = wkbToGeometry(new ShpDecoder().decode(rec, 0, rec.length)!) as { coordinates: Position[][] };
  assert.deepEqual(g.coordinates[0], [...open, [0, 0]]);
  const bad = polygonRecord([open]);
  bad.writeInt32LE(99, 40); // claims 99 points
  assert.throws(() => new ShpDecoder().decode(bad, 0, bad.length), /99 points/);
});

test('points (EPSG:4490, UTF-8 .cpg), 3D lines (EPSG:4326), multipoints', async () => {
  const pts = await readAll(join(DIR, 'points'));
  assert.equal(pts.reader.info.srid, 4490);
  assert.equal(pts.reader.info.encoding, 'UTF-8');
  assert.equal(pts.reader.info.geometryType, 'POINT');
  assert.deepEqual(
    pts.features.map((f) => f.props.名称),
    ['断桥残雪', '雷峰塔', 'Café 西湖'],
  );
  assert.deepEqual(geom(pts.features[1]), { type: 'Point', coordinates: [120.1488, 30.2311] });
  assert.equal(pts.features[1].props.高程, 48);

  const lines = await readAll(join(DIR, 'lines'));
  assert.equal(lines.reader.info.srid, 4326);
  assert.equal(lines.reader.info.geometryType, 'MULTILINESTRING');
  assert.deepEqual(geom(lines.features[0]), {
    type: 'LineString',
    coordinates: [
      [120.1, 30.27, 5],
      [120.11, 30.275, 6],
      [120.12, 30.28, 7.5],
    ],
  });
  assert.deepEqual(geom(lines.features[1]), {
    type: 'MultiLineString',
    coordinates: [
      [
        [120.2, 30.3, 1],
        [120.21, 30.3, 2],
      ],
      [
        [120.22, 30.31, 3],
        [120.23, 30.32, 4],
      ],
    ],
  });

  const mp = await readAll(join(DIR, 'multipoint'));
  assert.equal(mp.reader.info.srid, 4549);
  assert.deepEqual(geom(mp.features[0]), {
    type: 'MultiPoint',
    coordinates: [
      [515000.5, 3340000.5],
      [515010.25, 3340020.75],
    ],
  });
});

test('encoding: LDID 0x4D without .cpg, override, .cpg honoured, detection without either', async () => {
  const ldid = await readAll(join(DIR, 'dltb_ldid/dltb_ldid.shp'));
  assert.equal(ldid.reader.info.encoding, 'GBK');
  assert.equal(ldid.features[0].props.DLMC, '水田');

  for (const name of ['GB18030', 'cp936', '936']) {
    const { reader, features } = await readAll(join(DIR, 'dltb_gbk'), { encoding: name });
    assert.equal(reader.info.encoding, normalizeEncoding(name));
    assert.equal(features[0].props.DLMC, '水田', name);
  }
  const wrong = await readAll(join(DIR, 'dltb_gbk'), { encoding: 'utf8' });
  assert.equal(wrong.reader.info.encoding, 'UTF-8');
  assert.notEqual(wrong.features[0].props.DLMC, '水田', 'override beats the .cpg');
  await assert.rejects(
    openShapefile(join(DIR, 'dltb_gbk'), { encoding: 'klingon' }),
    (e: Error) => e instanceof ImportError && /klingon/.test(e.message),
  );

  const cpg = copyFixture('dltb_gbk');
  writeFileSync(join(cpg, 'dltb_gbk.cpg'), 'UTF-8');
  assert.equal((await readAll(cpg)).reader.info.encoding, 'UTF-8', '.cpg is read, even when it is wrong');

  // GDAL's UTF-8 file keeps the Chinese name it cut mid-character: 权属单位 → 权属单 + a lone byte.
  const utf8 = await readAll(join(DIR, 'dltb_utf8'));
  assert.equal(utf8.reader.info.srid, 4549);
  assert.equal(utf8.features[0].props.权属单, '西湖区转塘街道');
  assert.equal(utf8.features[0].props.DLMC, '水田');

  const bare = copyFixture('dltb_gbk');
  rmSync(join(bare, 'dltb_gbk.cpg'));
  const gbk = await readAll(bare);
  assert.equal(gbk.reader.info.encoding, 'GBK', 'not valid UTF-8 → GBK');
  assert.equal(gbk.features[1].props.DLMC, '旱地');
  const bareUtf8 = copyFixture('dltb_utf8');
  rmSync(join(bareUtf8, 'dltb_utf8.cpg'));
  assert.equal((await readAll(bareUtf8)).reader.info.encoding, 'UTF-8', 'valid UTF-8 → UTF-8');
  assert.equal(resolveEncoding({ ldid: 0x57, samples: () => [Buffer.from('0101')] }).encoding, 'UTF-8', 'ASCII only');
});

test('zip input (shapefile in a subfolder) reads like the folder and leaves no temp files', async () => {
  const temps = () => readdirSync(tmpdir()).filter((n) => n.startsWith('onemap-shp-')).length;
  const before = temps();
  const { reader, features } = await readAll(join(DIR, 'dltb_gbk.zip'));
  assert.equal(reader.info.srid, 4528);
  assert.deepEqual(
    features.map((f) => f.props.DLMC),
    ['水田', '旱地', '乔木林地', '坑塘水面'],
  );
  assert.equal(geom(features[0]).type, 'Polygon');
  assert.equal(temps(), before);
  // Leaving the loop early releases the unpacked files too, even before close().
  const early = await openShapefile(join(DIR, 'dltb_gbk.zip'), {});
  assert.equal(temps(), before + 1);
  for await (const f of early.features()) {
    assert.equal(f.fid, '1');
    break;
  }
  assert.equal(temps(), before);
  await early.close();
});

test('folder input: one .shp, several (needs a layer), case-insensitive sidecars', async () => {
  const two = join(tmp, 'two');
  cpSync(join(DIR, 'points'), two, { recursive: true });
  cpSync(join(DIR, 'lines'), two, { recursive: true });
  await assert.rejects(
    openShapefile(two, {}),
    (e: Error) => e instanceof ImportError && /lines, points/.test(e.message) && /--layer/.test(e.message),
  );
  const picked = await readAll(two, { layer: 'LINES' });
  assert.equal(picked.features.length, 2);
  await assert.rejects(openShapefile(two, { layer: 'roads' }), /no shapefile named "roads"/);

  const upper = copyFixture('dltb_gbk');
  for (const ext of ['shp', 'shx', 'dbf']) renameSync(join(upper, `dltb_gbk.${ext}`), join(upper, `DLTB_GBK.${ext.toUpperCase()}`));
  const up = await readAll(join(upper, 'DLTB_GBK.SHP'));
  assert.equal(up.features[0].props.DLMC, '水田');
  assert.equal(up.reader.info.srid, 4528, 'lower-case .prj found next to upper-case .SHP');
});

test('truncated .shp: ImportError names the file, the record and the offset', async () => {
  // README: records start at 100, 320, 624, 744; the fixture is cut at 700 bytes, inside record 3.
  await assert.rejects(openShapefile(join(DIR, 'broken/truncated'), {}), (e: Error) => {
    assert.ok(e instanceof ImportError);
    assert.match(e.message, /dltb_gbk\.shp/);
    assert.match(e.message, /record 3 \(offset 624 of 700 bytes/);
    assert.match(e.message, /truncated/);
    return true;
  });
  // Same cut but a header that agrees with it: found while streaming, after the whole records.
  const cut = copyFixture('broken/truncated', 'cut');
  const shp = readFileSync(join(cut, 'dltb_gbk.shp'));
  shp.writeInt32BE(700 / 2, 24);
  writeFileSync(join(cut, 'dltb_gbk.shp'), shp);
  const reader = await openShapefile(cut, {});
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const f of reader.features()) seen.push(f.fid);
    })(),
    /dltb_gbk\.shp, feature 3: file ends inside record 3 \(offset 624 of 700 bytes\)/,
  );
  await reader.close();
  assert.deepEqual(seen, ['1', '2']);
});

test('missing .dbf / .shx, count mismatch, truncated .dbf, missing .prj, deleted rows, empty file', async () => {
  await assert.rejects(
    openShapefile(join(DIR, 'broken/missing_dbf'), {}),
    (e: Error) => e instanceof ImportError && /dltb_gbk\.dbf/.test(e.message) && /missing/.test(e.message),
  );
  await assert.rejects(
    openShapefile(join(DIR, 'broken/missing_shx/dltb_gbk.shp'), {}),
    (e: Error) => e instanceof ImportError && /dltb_gbk\.shx/.test(e.message),
  );

  const count = copyFixture('dltb_gbk');
  const dbf = readFileSync(join(count, 'dltb_gbk.dbf'));
  dbf.writeUInt32LE(3, 4);
  writeFileSync(join(count, 'dltb_gbk.dbf'), dbf);
  // The .shx (4 entries) is only an index; the .shp's 4th record with no .dbf row is what refuses.
  await assert.rejects(readAll(count), /\.shp holds more records than the 3 of the \.dbf \(record 4 at offset/);

  const short = copyFixture('dltb_gbk');
  // Header 32 + 8 fields × 32 + 1 = 289 bytes, records 1 + 9 + 4 × 80 + 24 + 8 + 1 = 363: record 2 spans 652–1015.
  truncateSync(join(short, 'dltb_gbk.dbf'), 1000);
  await assert.rejects(openShapefile(short, {}), /dltb_gbk\.dbf.*record 2 \(1000 of 1741 bytes.*the \.dbf is truncated/);

  const noPrj = copyFixture('dltb_gbk');
  rmSync(join(noPrj, 'dltb_gbk.prj'));
  assert.equal((await readAll(noPrj)).reader.info.srid, undefined);

  const del = copyFixture('dltb_gbk');
  const d = readFileSync(join(del, 'dltb_gbk.dbf'));
  d[d.readUInt16LE(8) + d.readUInt16LE(10)] = 0x2a; // '*' on record 2
  writeFileSync(join(del, 'dltb_gbk.dbf'), d);
  assert.deepEqual(
    (await readAll(del)).features.map((f) => f.fid),
    ['1', '3', '4'],
  );

  const empty = join(tmp, 'empty');
  cpSync(join(DIR, 'points'), empty, { recursive: true });
  const e = readFileSync(join(empty, 'points.dbf'));
  e.writeUInt32LE(0, 4);
  writeFileSync(join(empty, 'points.dbf'), e.subarray(0, e.readUInt16LE(8)));
  writeFileSync(join(empty, 'points.shx'), readFileSync(join(empty, 'points.shx')).subarray(0, 100));
  // An empty layer has an empty .shp too: header only, its length (in 16-bit words) saying so.
  const shpHead = readFileSync(join(empty, 'points.shp')).subarray(0, 100);
  shpHead.writeInt32BE(50, 24);
  writeFileSync(join(empty, 'points.shp'), shpHead);
  const none = await readAll(empty);
  assert.equal(none.features.length, 0);
  assert.equal(none.reader.info.featureCount, 0);
});

test('a Beijing 1954 .prj opens as its EPSG code (the import then asks for transformation parameters, decision 0012)', async () => {
  const bj = copyFixture('dltb_gbk');
  copyFileSync(join(DIR, 'prj/esri_2435.prj'), join(bj, 'dltb_gbk.prj'));
  const r = await openShapefile(bj, {});
  assert.equal(r.info.srid, 2435, 'Beijing 1954 3° GK CM 114E');
  assert.match(r.info.sridSource ?? '', /Beijing 1954/);
  await r.close();
});

test('prjToSrid: GDAL/ESRI and OGC WKT of the systems bureaus use', () => {
  const prj = (f: string) => readFileSync(join(DIR, 'prj', f), 'utf8');
  assert.equal(prjToSrid(prj('esri_4528.prj')).srid, 4528);
  assert.equal(prjToSrid(prj('esri_4549.prj')).srid, 4549);
  assert.equal(prjToSrid(prj('esri_4490.prj')).srid, 4490);
  assert.equal(prjToSrid(prj('esri_4326.prj')).srid, 4326);
  assert.equal(prjToSrid(prj('esri_3857.prj')).srid, 3857);
  assert.equal(prjToSrid(prj('esri_4499.prj')).srid, 4499, '6° zone 21 with prefix');
  assert.equal(prjToSrid(prj('esri_4510.prj')).srid, 4510, '6° CM 123E');
  assert.equal(prjToSrid(prj('ogc_4528.prj')).srid, 4528);
  assert.equal(prjToSrid(prj('ogc_4490.prj')).srid, 4490);
  // Unusual names: the parameters decide. CM 120 + FE 500000 → zone 40 without prefix; FE 40500000 → with.
  assert.equal(prjToSrid(prj('esri_4549.prj').replace('CGCS2000_3_Degree_GK_CM_120E', 'Hangzhou_City_2000')).srid, 4549);
  assert.equal(
    prjToSrid(prj('esri_4528.prj').replace('CGCS2000_3_Degree_GK_Zone_40', 'XX').replace('Gauss_Kruger', 'Transverse_Mercator')).srid,
    4528,
  );
  assert.equal(prjToSrid(prj('esri_4549.prj').replace(/120\.0/, '117.0')).srid, 4548, 'zone 39, 淳安 west');
  // Old datums: recognised as their EPSG codes (decision 0012), refused later without parameters.
  assert.equal(prjToSrid(prj('esri_2435.prj')).srid, 2435, 'Beijing 1954 3° GK CM 114E');
  assert.equal(prjToSrid(prj('esri_4610.prj')).srid, 4610, 'Xian 1980 geographic');
  const xa = prj('esri_4528.prj')
    .replace('CGCS2000_3_Degree_GK_Zone_40', 'Xian_1980_3_Degree_GK_Zone_40')
    .replace('D_China_2000', 'D_Xian_1980')
    .replace('SPHEROID["CGCS2000",6378137.0,298.257222101]', 'SPHEROID["Xian_1980",6378140.0,298.257]');
  assert.equal(prjToSrid(xa).srid, 2364, 'Xian 1980 3° GK zone 40 with prefix');
  assert.equal(prjToSrid(xa.replace('40500000.0', '500000.0')).srid, 2385, 'Xian 1980 3° GK CM 120E');
  assert.throws(() => prjToSrid(prj('esri_4549.prj').replace('False_Easting",500000.0', 'False_Easting",350000.0')), /350000.*--srid/);
  assert.throws(
    () =>
      prjToSrid(
        'PROJCS["Lambert",GEOGCS["GCS_Unknown",DATUM["D_Unknown",SPHEROID["x",6378137,298]]],PROJECTION["Lambert_Conformal_Conic"]]',
      ),
    /"Lambert".*D_Unknown.*--srid/,
  );
  assert.throws(() => prjToSrid('not wkt ['), /not readable WKT.*--srid/);
});

test('dbf numbers: blanks and overflow stars are null, exact decimals', () => {
  const n = (s: string) => parseDbfNumber(Buffer.from(s, 'latin1'), 0, s.length);
  assert.equal(n('     12.50'), 12.5);
  assert.equal(n('-3'), -3);
  assert.equal(n('0.1'), 0.1);
  assert.equal(n('123456.789'), 123456.789);
  assert.equal(n('1.5e3'), 1500);
  assert.equal(n('1,25'), 1.25);
  assert.equal(n('          '), null);
  assert.equal(n('**********'), null);
  assert.equal(n('abc'), null);
});
