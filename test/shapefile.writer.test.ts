// Shapefile writer: round trips through our reader, and GDAL (ogrinfo) as an independent reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CGCS2000_PRJ, inferFields, writeShapefile, type ShpField } from '../src/exporters/shapefile.ts';
import { openShapefile } from '../src/importers/shapefile/reader.ts';
import { prjToSrid } from '../src/importers/shapefile/prj.ts';
import type { SourceFeature, SourceReader } from '../src/importers/types.ts';
import { geometryToWkb, wkbToGeometry, type Geometry, type Position } from '../src/util/wkb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'onemap-shpwrite-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(path: string): Promise<{ reader: SourceReader; features: SourceFeature[] }> {
  const reader = await openShapefile(path, {});
  const features: SourceFeature[] = [];
  for await (const f of reader.features()) features.push(f);
  await reader.close();
  return { reader, features };
}
const signed = (r: Position[]) => r.reduce((s, p, i) => (i ? s + (r[i - 1][0] * p[1] - p[0] * r[i - 1][1]) : s), 0);
const sorted = (r: Position[]) =>
  r
    .slice(0, -1)
    .map((p) => p.join(' '))
    .sort();

// GeoJSON (RFC 7946) orientation on purpose: outer counter-clockwise, hole clockwise — the writer
// must turn both around. Lon/lat near 西湖, as exports are in EPSG:4490.
const outer: Position[] = [
  [120.1, 30.2],
  [120.2, 30.2],
  [120.2, 30.3],
  [120.1, 30.3],
  [120.1, 30.2],
];
const hole: Position[] = [
  [120.12, 30.22],
  [120.12, 30.24],
  [120.14, 30.24],
  [120.14, 30.22],
  [120.12, 30.22],
];
const far: Position[] = [
  [120.5, 30.5],
  [120.6, 30.5],
  [120.6, 30.6],
  [120.5, 30.5],
];
const geoms: (Geometry | null)[] = [
  { type: 'Polygon', coordinates: [outer, hole] },
  { type: 'MultiPolygon', coordinates: [[outer], [far]] },
  null,
];
const rows: Record<string, unknown>[] = [
  { DLMC: '水田', 权属单位名称: '西湖区转塘街道', TBMJ: 9600.25, BSM: 1, GXSJ: '2023-06-30', JBNT: true },
  { DLMC: '旱地', 权属单位名称: '余杭区良渚街道', TBMJ: 4900, BSM: 2, GXSJ: new Date(2022, 11, 31), JBNT: false },
  { DLMC: '坑塘水面', 权属单位名称: null, TBMJ: null, BSM: 3, GXSJ: null, JBNT: null },
];

for (const encoding of ['GBK', 'UTF-8'] as const) {
  test(`round trip in ${encoding}: coordinates, ring orientation, Chinese attributes`, async () => {
    const fields = inferFields(rows, encoding);
    // 权属单位名称 is 12 bytes in GBK and 18 in UTF-8: cut to whole characters within 10 bytes.
    const cut = encoding === 'GBK' ? '权属单位名' : '权属单';
    assert.deepEqual(
      fields.map((f) => [f.name, f.type]),
      [
        ['DLMC', 'C'],
        [cut, 'C'],
        ['TBMJ', 'N'],
        ['BSM', 'N'],
        ['GXSJ', 'D'],
        ['JBNT', 'L'],
      ],
    );
    assert.equal(fields[1].source, '权属单位名称');
    assert.equal(fields[0].length, encoding === 'GBK' ? 8 : 12, '坑塘水面: 4 characters × 2 or 3 bytes');

    const base = join(tmp, `dltb_${encoding}`);
    const w = writeShapefile(`${base}.shp`, { geometryType: 'MultiPolygon', fields, encoding, prjWkt: CGCS2000_PRJ });
    geoms.forEach((g, i) => w.write(g ? geometryToWkb(g) : null, rows[i]));
    await w.close();

    assert.equal(readFileSync(`${base}.cpg`, 'latin1'), encoding);
    if (encoding === 'GBK') assert.ok(readFileSync(`${base}.dbf`).includes(Buffer.from([0xcb, 0xae, 0xcc, 0xef])), '水田 in GBK bytes');

    const { reader, features } = await readAll(`${base}.shp`);
    assert.equal(reader.info.encoding, encoding);
    assert.equal(reader.info.srid, 4490);
    assert.equal(reader.info.featureCount, 3);
    assert.deepEqual(features[0].props, { DLMC: '水田', [cut]: '西湖区转塘街道', TBMJ: 9600.25, BSM: 1, GXSJ: '2023-06-30', JBNT: true });
    assert.deepEqual(features[1].props, { DLMC: '旱地', [cut]: '余杭区良渚街道', TBMJ: 4900, BSM: 2, GXSJ: '2022-12-31', JBNT: false });
    assert.deepEqual(features[2].props, { DLMC: '坑塘水面', [cut]: null, TBMJ: null, BSM: 3, GXSJ: null, JBNT: null });

    const p = wkbToGeometry(features[0].wkb!) as { type: string; coordinates: Position[][] };
    assert.equal(p.type, 'Polygon');
    assert.equal(p.coordinates.length, 2);
    assert.deepEqual(sorted(p.coordinates[0]), sorted(outer));
    assert.deepEqual(sorted(p.coordinates[1]), sorted(hole));
    assert.ok(signed(p.coordinates[0]) < 0, 'outer ring written clockwise');
    assert.ok(signed(p.coordinates[1]) > 0, 'hole written counter-clockwise');

    const m = wkbToGeometry(features[1].wkb!) as { type: string; coordinates: Position[][][] };
    assert.equal(m.type, 'MultiPolygon');
    assert.deepEqual(
      m.coordinates.map((q) => q.length),
      [1, 1],
    );
    assert.deepEqual(sorted(m.coordinates[1][0]), sorted(far));
    assert.equal(features[2].wkb, null);
  });
}

test('points and lines round trip; Z is dropped; wrong geometry type is refused', async () => {
  const fields: ShpField[] = [{ name: 'NAME', type: 'C', length: 20 }];
  const pts = join(tmp, 'pts');
  const wp = writeShapefile(pts, { geometryType: 'Point', fields, encoding: 'UTF-8', prjWkt: CGCS2000_PRJ });
  wp.write(geometryToWkb({ type: 'Point', coordinates: [120.1488, 30.2311, 12] }), { NAME: '雷峰塔' });
  assert.throws(
    () =>
      wp.write(
        geometryToWkb({
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        }),
        {},
      ),
    /LineString cannot be written to a Point shapefile/,
  );
  await wp.close();
  const p = await readAll(`${pts}.shp`);
  assert.deepEqual(
    p.features.map((f) => [wkbToGeometry(f.wkb!), f.props.NAME]),
    [[{ type: 'Point', coordinates: [120.1488, 30.2311] }, '雷峰塔']],
  );

  const lines = join(tmp, 'lines');
  const wl = writeShapefile(lines, { geometryType: 'MultiLineString', fields, encoding: 'GBK', prjWkt: CGCS2000_PRJ });
  const ml: Geometry = {
    type: 'MultiLineString',
    coordinates: [
      [
        [120.2, 30.3],
        [120.21, 30.3],
      ],
      [
        [120.22, 30.31],
        [120.23, 30.32],
      ],
    ],
  };
  wl.write(
    geometryToWkb({
      type: 'LineString',
      coordinates: [
        [120.1, 30.27],
        [120.11, 30.275],
      ],
    }),
    { NAME: '文三路' },
  );
  wl.write(geometryToWkb(ml), { NAME: 'two parts' });
  await wl.close();
  const l = await readAll(`${lines}.shp`);
  assert.deepEqual(wkbToGeometry(l.features[1].wkb!), ml);
  assert.equal(l.features[0].props.NAME, '文三路');
});

test('values that do not fit: text is cut with a warning, numbers refuse, names stay unique', async () => {
  const warnings: string[] = [];
  const w = writeShapefile(join(tmp, 'fit'), {
    geometryType: 'Point',
    encoding: 'GBK',
    prjWkt: CGCS2000_PRJ,
    onWarning: (m) => warnings.push(m),
    fields: [
      { name: 'NAME', type: 'C', length: 5 },
      { name: 'AREA', type: 'N', length: 6, decimals: 3 },
    ],
  });
  const pt = geometryToWkb({ type: 'Point', coordinates: [120, 30] });
  w.write(pt, { NAME: '西湖区转塘', AREA: 1234.5678 }); // 10 GBK bytes → 西湖 (4 bytes; 3 characters would be 6)
  assert.throws(() => w.write(pt, { AREA: 12345678 }), /record 2: field AREA: 12345678 does not fit in N\(6,3\)/);
  assert.throws(() => w.write(pt, { AREA: 'many' }), /"many" is not a number/);
  await w.close();
  assert.equal(warnings.length, 1);
  const { features } = await readAll(join(tmp, 'fit.shp'));
  assert.deepEqual(
    features.map((f) => f.props),
    [{ NAME: '西湖', AREA: 1234.6 }],
    '1234.568 is 8 characters: decimals dropped until it fits in 6',
  );

  const names = inferFields([{ ABCDEFGHIJK1: 1, ABCDEFGHIJK2: 2, abcdefghij: 'x', '': 'y' }]);
  assert.deepEqual(
    names.map((f) => f.name),
    ['ABCDEFGHIJ', 'ABCDEFGH_1', 'abcdefgh_2', 'FIELD4'],
    'unique ignoring case, own case kept',
  );
  assert.deepEqual(
    names.map((f) => f.source),
    ['ABCDEFGHIJK1', 'ABCDEFGHIJK2', 'abcdefghij', ''],
  );
  assert.throws(
    () => writeShapefile(join(tmp, 'nofields'), { geometryType: 'Point', encoding: 'UTF-8', prjWkt: CGCS2000_PRJ }),
    /fields are required/,
  );
});

test('CGCS2000_PRJ is recognised as EPSG:4490', () => {
  assert.equal(prjToSrid(CGCS2000_PRJ).srid, 4490);
});

test('ogrinfo opens what the writer produced', async (t) => {
  if (spawnSync('ogrinfo', ['--version']).status !== 0) {
    t.skip('ogrinfo (gdal-bin) is not installed');
    return;
  }
  const base = join(tmp, 'ogr');
  const fields = inferFields(rows, 'GBK');
  const w = writeShapefile(base, { geometryType: 'MultiPolygon', fields, encoding: 'GBK', prjWkt: CGCS2000_PRJ });
  for (let i = 0; i < 50; i++) w.write(geoms[i % 3] ? geometryToWkb(geoms[i % 3]!) : null, rows[i % 3]);
  await w.close();
  const summary = spawnSync('ogrinfo', ['-al', '-so', `${base}.shp`], { encoding: 'utf8' });
  assert.equal(summary.status, 0, summary.stderr);
  assert.match(summary.stdout, /Feature Count: 50\b/);
  assert.match(summary.stdout, /Geometry: Polygon/);
  assert.match(summary.stdout, /China Geodetic Coordinate System 2000/);
  // GDAL recodes from the .cpg: the GBK bytes come out as the same Chinese text, holes intact.
  const first = spawnSync('ogrinfo', ['-al', '-fid', '0', `${base}.shp`], { encoding: 'utf8' });
  assert.match(first.stdout, /DLMC \(String\) = 水田/);
  assert.match(first.stdout, /权属单位名 \(String\) = 西湖区转塘街道/);
  assert.match(first.stdout, /POLYGON \(\(120\.1 30\.2,.*\),\(120\.12 30\.22,/);
});
