import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import { gpkgGeometryToWkb, openGeoPackage } from '../src/importers/gpkg.ts';
import { ImportError, type ReaderOptions } from '../src/importers/types.ts';
import { geometryToWkb, wkbToGeometry, type Geometry } from '../src/util/wkb.ts';
import { drain } from './helpers/drain.ts';

const DIR = fileURLToPath(new URL('../fixtures/import/gpkg', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'onemap-gpkg-'));

const readAll = async (path: string, opts: ReaderOptions = {}) => drain(await openGeoPackage(path, opts));

async function rejects(p: Promise<unknown>, reason: RegExp, file: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ImportError, `expected ImportError, got ${e}`);
    assert.equal(e.file, file);
    assert.match(e.reason, reason);
    return true;
  });
}

/** A GeoPackage geometry blob around `g`, with a chosen header byte order, envelope kind and flags. */
function gpBlob(g: Geometry, o: { le?: boolean; envelope?: number; empty?: boolean; srs?: number } = {}): Buffer {
  const le = o.le ?? true;
  const envBytes = [0, 32, 48, 48, 64][o.envelope ?? 0];
  const head = Buffer.alloc(8 + envBytes, 0x7f); // envelope filled with junk: must be skipped, not read
  head.write('GP', 0, 'latin1');
  head[2] = 0;
  head[3] = (le ? 1 : 0) | ((o.envelope ?? 0) << 1) | (o.empty ? 0x10 : 0);
  if (le) head.writeInt32LE(o.srs ?? 4490, 4);
  else head.writeInt32BE(o.srs ?? 4490, 4);
  return Buffer.concat([head, geometryToWkb(g)]);
}

test('single-layer GeoPackage made by ogr2ogr: SRID, rows, attributes, null geometry', async () => {
  const { reader, features } = await readAll(`${DIR}/parcels_4490.gpkg`);
  assert.equal(reader.info.format, 'gpkg');
  assert.equal(reader.info.srid, 4490);
  assert.match(reader.info.sridSource ?? '', /EPSG:4490/);
  assert.equal(reader.info.geometryType, 'POLYGON');
  assert.equal(reader.info.featureCount, 3);
  assert.equal(reader.bytesRead(), reader.info.totalBytes);
  assert.deepEqual(
    features.map((f) => [f.fid, f.location]),
    [
      ['1', 'row fid=1'],
      ['2', 'row fid=2'],
      ['3', 'row fid=3'],
    ],
  );
  assert.deepEqual(features[0].props, { dkbh: 'XH-001', dkmc: '文三路地块', yt: '城镇住宅用地', mj_ha: 1.25, pzrq: '2024-03-15' });
  assert.equal(features[1].props['dkmc'], '转塘地块（含空洞）');
  assert.deepEqual(wkbToGeometry(features[0].wkb!), {
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
  const holed = wkbToGeometry(features[1].wkb!);
  assert.equal(holed.type === 'Polygon' && holed.coordinates.length, 2);
  assert.equal(features[2].wkb, null);
});

test('two layers: refuse to guess, list them; pick by name (case-insensitive) for the EPSG:4549 layer', async () => {
  const file = `${DIR}/two_layers.gpkg`;
  await rejects(openGeoPackage(file, {}), /2 feature layers \(parcels, parcels_4549\)/, file);
  await rejects(openGeoPackage(file, { layer: 'roads' }), /no feature layer "roads".*parcels, parcels_4549/, file);
  const { reader, features } = await readAll(file, { layer: 'PARCELS_4549' });
  assert.equal(reader.info.srid, 4549);
  assert.equal(reader.info.geometryType, 'MULTIPOLYGON');
  assert.deepEqual(
    features.map((f) => [f.fid, f.props]),
    [['1', { dkbh: 'BJ-101', dkmc: '滨江区100米方块' }]],
  );
  assert.deepEqual(wkbToGeometry(features[0].wkb!), {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [512345, 3345678],
          [512445, 3345678],
          [512445, 3345778],
          [512345, 3345778],
          [512345, 3345678],
        ],
      ],
    ],
  });
  assert.equal((await readAll(file, { layer: 'parcels' })).features.length, 3);
});

test('not a GeoPackage, plain SQLite, truncated/corrupt, empty, missing: ImportError naming the file', async () => {
  for (const [name, reason] of [
    ['not_a_gpkg.gpkg', /not an SQLite database/],
    ['plain_sqlite.gpkg', /no gpkg_contents table/],
    ['truncated.gpkg', /corrupt or unreadable GeoPackage/],
  ] as const) {
    await rejects(openGeoPackage(`${DIR}/${name}`, {}), reason, `${DIR}/${name}`);
  }
  const empty = join(tmp, 'empty.gpkg');
  writeFileSync(empty, '');
  await rejects(openGeoPackage(empty, {}), /file is empty/, empty);
  await rejects(openGeoPackage(join(tmp, 'nope.gpkg'), {}), /cannot read the file/, join(tmp, 'nope.gpkg'));
});

test('geometry header: byte orders, every envelope size, empty flag, bad magic', () => {
  const square: Geometry = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  };
  for (const le of [true, false]) {
    for (const envelope of [0, 1, 2, 3, 4]) {
      const r = gpkgGeometryToWkb(gpBlob(square, { le, envelope, srs: 4528 }));
      assert.deepEqual(wkbToGeometry(r.wkb), square, `le=${le} envelope=${envelope}`);
      assert.equal(r.srsId, 4528);
      assert.equal(r.empty, false);
    }
  }
  const empty = gpkgGeometryToWkb(gpBlob({ type: 'Polygon', coordinates: [] }, { empty: true }));
  assert.equal(empty.empty, true);
  assert.deepEqual(wkbToGeometry(empty.wkb), { type: 'Polygon', coordinates: [] });
  assert.throws(() => gpkgGeometryToWkb(Buffer.from('XX\0\x01\0\0\0\0\x01\x03\0\0\0')), /"GP" header/);
  const bad = gpBlob(square);
  bad[3] = 0x01 | (5 << 1);
  assert.throws(() => gpkgGeometryToWkb(bad), /invalid envelope indicator 5/);
});

test('hand-built GeoPackage: paging over 2500 rows, BLOB attributes, non-EPSG srs falls back to srs_id', async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
    INSERT INTO gpkg_spatial_ref_sys VALUES ('local GK', 4528, 'HZ-BUREAU', 77, 'undefined', NULL);
    CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);
    INSERT INTO gpkg_contents VALUES ('dk', 'features', 'dk', 4528), ('notes', 'attributes', 'notes', NULL);
    CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
    INSERT INTO gpkg_geometry_columns VALUES ('dk', 'shape', 'POINT', 4528, 0, 0);
    CREATE TABLE dk (id INTEGER PRIMARY KEY, shape BLOB, "名称" TEXT, photo BLOB);
  `);
  const insert = db.prepare('INSERT INTO dk VALUES (?, ?, ?, ?)');
  for (let i = 1; i <= 2500; i++) {
    // Sparse ids (steps of 3) so paging must follow the key, not assume 1..n.
    const g = gpBlob(
      { type: 'Point', coordinates: [40512345 + i, 3345678] },
      { le: i % 2 === 0, envelope: i % 5 === 0 ? 1 : 0, srs: 4528 },
    );
    insert.run([i * 3, g, `点${i}`, i === 7 ? new Uint8Array([1, 2, 3]) : null]);
  }
  insert.free();
  const file = join(tmp, 'built.gpkg');
  writeFileSync(file, db.export());
  db.close();

  const { reader, features } = await readAll(file);
  assert.equal(reader.info.srid, 4528);
  assert.match(reader.info.sridSource ?? '', /organization HZ-BUREAU/);
  assert.equal(reader.info.featureCount, 2500);
  assert.equal(features.length, 2500);
  assert.deepEqual(
    features.slice(0, 2).map((f) => [f.fid, f.location, f.props]),
    [
      ['3', 'row fid=3', { 名称: '点1', photo: null }],
      ['6', 'row fid=6', { 名称: '点2', photo: null }],
    ],
  );
  assert.equal(features[6].props['photo'], 'AQID');
  assert.equal(features[2499].fid, '7500');
  assert.deepEqual(wkbToGeometry(features[2499].wkb!), { type: 'Point', coordinates: [40514845, 3345678] });
});
