// The long-tail formats read through gdal3.js (issue 17 item 1, decision 0014), on every test
// database: each on a hand-made file of fixtures/formats/ (scripts/make-format-fixtures.sh) whose
// area is worked out by hand, and the broken inputs the issue names, refused in Chinese with the
// file, layer, feature or row, leaving the database unchanged.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { importFile, ImportRejected } from '../src/importers/pipeline.ts';
import { ImportError } from '../src/importers/types.ts';
import { GdalLoader } from '../src/importers/gdal/loader.ts';
import { parcelsFromFile } from '../src/review/input.ts';

const FX = 'fixtures/formats';
/** 1 亩 = 10 000 / 15 m² (domain.md). */
const MU = 10000 / 15;

for (const tdb of testDatabases()) {
  describe(`gdal3.js readers on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let gdal: GdalLoader;
    before(async () => {
      h = await tdb.open();
      gdal = new GdalLoader();
    });
    after(async () => {
      await h.close();
    });

    const rows = async (layer: string) =>
      (
        await h.db.query<{ fid: string; planar: number; ell: number; props: Record<string, unknown> }>(
          `SELECT f.fid, f.planar_m2 AS planar, f.area_m2 AS ell, f.props FROM feature f JOIN layer l ON l.id = f.layer_id
          WHERE l.code = $1 AND f.v_to IS NULL ORDER BY f.fid`,
          [layer],
        )
      ).rows;

    async function refused(path: string, layer: string, match: RegExp, opts: Record<string, unknown> = {}) {
      const before = await storeSnapshot(h.db);
      await assert.rejects(importFile(h.db, h.config, path, { layer, gdal, ...opts }), (e: unknown) => {
        assert.ok(e instanceof ImportError || e instanceof ImportRejected, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
        assert.match((e as Error).message, match);
        return true;
      });
      assert.equal(await storeSnapshot(h.db), before, 'a refused import must leave the database unchanged');
    }

    test('gdal3.js is not loaded for the native formats, and is loaded once for the others', async () => {
      await importFile(h.db, h.config, 'fixtures/import/geojson/good_parcels.geojson', { layer: 'GDAL_LAZY', gdal, dryRun: true });
      assert.equal(gdal.loadMs, undefined, 'a GeoJSON import must not load GDAL');
      await importFile(h.db, h.config, `${FX}/square.dxf`, { layer: 'GDAL_LAZY2', gdal, dryRun: true });
      const first = gdal.loadMs;
      assert.ok(first !== undefined, 'the DXF loads GDAL');
      await importFile(h.db, h.config, `${FX}/square.dxf`, { layer: 'GDAL_LAZY2', gdal, dryRun: true });
      assert.equal(gdal.loadMs, first, 'the second file reuses the loaded module');
    });

    test('DXF: a closed 100 m × 100 m LWPOLYLINE in zone 40 is 10 000 m² = 15 亩; the open line is reported, not imported', async () => {
      const r = await importFile(h.db, h.config, `${FX}/square.dxf`, { layer: 'HX_DXF', gdal });
      assert.equal(r.featureCount, 1);
      // Eastings 40 512 345…40 512 445: the prefix 40 is the zone (CGCS2000 3° GK zone 40 with prefix = EPSG:4528).
      assert.equal(r.sourceSrid, 4528);
      assert.match(r.sridSource, /带号 40/);
      const [f] = await rows('HX_DXF');
      assert.equal(f.fid, '2A');
      assert.deepEqual(f.props, { 图层: 'HX', 句柄: '2A' });
      assert.ok(Math.abs(f.planar - 10000) < 0.01, `planar ${f.planar}`);
      assert.ok(Math.abs(f.planar / MU - 15) < 1e-5);
      assert.ok(
        r.warnings.some((w) => /1 条开放的线未闭合，未导入：图层 ROAD 句柄 2B/.test(w)),
        r.warnings.join(' | '),
      );
    });

    test('DXF: a circle and a hatch become polygons', async () => {
      const r = await importFile(h.db, h.config, `${FX}/circle_hatch.dxf`, { layer: 'HX_DXF2', gdal });
      const [circle, hatch] = await rows('HX_DXF2');
      // Radius 10 m: π·10² = 314.16 m²; GDAL draws the circle as a polygon of short chords, a
      // little inside it (a 90-gon would be 45·100·sin 4° = 313.90 m²): within 0.2 %.
      assert.equal(circle.fid, '4A');
      assert.ok(Math.abs(circle.planar - Math.PI * 100) / (Math.PI * 100) < 2e-3, `circle ${circle.planar}`);
      // The hatch's polyline boundary is 20 m × 30 m.
      assert.equal(hatch.fid, '4B');
      assert.ok(Math.abs(hatch.planar - 600) < 0.01, `hatch ${hatch.planar}`);
      assert.equal(r.featureCount, 2);
    });

    test('a review reads a CAD red line and a point table as its parcels', async () => {
      const dxf = await parcelsFromFile(h.db, h.config, `${FX}/square.dxf`, { gdal });
      assert.deepEqual(
        dxf.map((p) => p.fid),
        ['2A'],
      );
      const xlsx = await parcelsFromFile(h.db, h.config, `${FX}/parcels.xlsx`, { gdal });
      assert.deepEqual(
        xlsx.map((p) => p.fid),
        ['DK1', 'DK2'],
      );
    });

    test('KML: a polygon with a hole keeps the hole; WGS84 taken as CGCS2000, and the result says so', async () => {
      const r = await importFile(h.db, h.config, `${FX}/hole.kml`, { layer: 'HX_KML', gdal });
      assert.equal(r.sourceSrid, 4490);
      assert.match(r.sridSource, /WGS84.*CGCS2000/);
      // By hand: a 0.002° × 0.002° cell at φ = 30.201° on the CGCS2000 ellipsoid (a = 6 378 137,
      // f = 1/298.257222101) is M·Δφ × N·cosφ·Δλ with M = 6 351 571.6 m and N = 6 383 546.1 m:
      // 42 697.8 m². The hole is a 0.001° × 0.001° cell inside it, a quarter: 32 023.3 m² remain.
      const expected = 32023.3;
      assert.ok(Math.abs(r.areaM2.ellipsoidal - expected) / expected < 1e-3, `ellipsoidal ${r.areaM2.ellipsoidal}`);
      const [f] = await rows('HX_KML');
      assert.equal(f.props.Name, '地块一');
    });

    test('XLSX and CSV boundary-point tables: two parcels, X north and Y east with the zone prefix', async () => {
      for (const [file, layer] of [
        ['parcels.xlsx', 'JZD_XLSX'],
        ['points.csv', 'JZD_CSV'],
      ]) {
        const r = await importFile(h.db, h.config, `${FX}/${file}`, { layer, gdal });
        assert.equal(r.featureCount, 2, file);
        assert.equal(r.sourceSrid, 4528);
        const [dk1, dk2] = await rows(layer);
        // DK1: X 3 345 678…3 345 778 (100 m north) × Y 40 512 345…40 512 445 (100 m east) = 10 000 m².
        // DK2: 80 m × 50 m = 4 000 m², its ring not closed in the table (closed, and warned about).
        assert.equal(dk1.fid, 'DK1');
        assert.ok(Math.abs(dk1.planar - 10000) < 0.01, `${file} DK1 ${dk1.planar}`);
        assert.equal(dk2.fid, 'DK2');
        assert.ok(Math.abs(dk2.planar - 4000) < 0.01, `${file} DK2 ${dk2.planar}`);
        assert.ok(r.warnings.some((w) => /地块 DK2 .*未回到起点，已自动闭合/.test(w)));
      }
    });

    test('FileGDB: two layers with Chinese names; --source-layer picks one, none chosen lists both with counts', async () => {
      await refused(
        `${FX}/two_layers.gdb`,
        'DLTB_GDB',
        /two_layers\.gdb.*2 个图层：地类图斑（2 个要素）、行政区（1 个要素）.*--source-layer/,
      );
      const r = await importFile(h.db, h.config, `${FX}/two_layers.gdb`, { layer: 'DLTB_GDB', sourceLayer: '地类图斑', gdal });
      assert.equal(r.sourceSrid, 4528);
      assert.equal(r.matchedBy.kind, 'id', 'OBJECTID is the id');
      const fs = await rows('DLTB_GDB');
      assert.deepEqual(
        fs.map((f) => [f.fid, f.props.图斑编号, f.props.地类名称]),
        [
          ['1', 'TB1', '水田'],
          ['2', 'TB2', '林地'],
        ],
      );
      // TB1 100 m × 100 m, TB2 100 m × 50 m.
      assert.ok(Math.abs(fs[0].planar - 10000) < 0.01 && Math.abs(fs[1].planar - 5000) < 0.01);
      // The same database zipped (.gdb.zip), other layer: 300 m × 200 m.
      const z = await importFile(h.db, h.config, `${FX}/two_layers.gdb.zip`, { layer: 'XZQ_GDB', sourceLayer: '行政区', gdal });
      assert.equal(z.featureCount, 1);
      assert.ok(Math.abs(z.areaM2.planar - 60000) < 0.01);
      await refused(`${FX}/two_layers.gdb`, 'DLTB_GDB', /没有图层「村庄」；其中的图层有：地类图斑（2 个要素）、行政区（1 个要素）/, {
        sourceLayer: '村庄',
      });
    });

    test('CSV with a WKT column and MapInfo MIF', async () => {
      const c = await importFile(h.db, h.config, `${FX}/wkt.csv`, { layer: 'WKT_CSV', gdal });
      assert.equal(c.sourceSrid, 4528, 'zone prefix 40 in the eastings');
      const [f] = await rows('WKT_CSV');
      assert.equal(f.props.名称, '东地块');
      assert.ok(Math.abs(f.planar - 10000) < 0.01);
      // The two 图斑 of the FileGDB (10 000 + 5 000 m²) converted to lon/lat by ogr2ogr: the
      // ellipsoidal area of the reprojected squares is within 0.1 % of the planar one at 12 km from the meridian.
      const m = await importFile(h.db, h.config, `${FX}/square.mif`, { layer: 'TB_MIF', gdal });
      assert.equal(m.featureCount, 2);
      assert.ok(Math.abs(m.areaM2.ellipsoidal - 15000) / 15000 < 1e-3, `ellipsoidal ${m.areaM2.ellipsoidal}`);
      assert.deepEqual(
        (await rows('TB_MIF')).map((r) => r.props.DLMC),
        ['水田', '林地'],
      );
    });

    test('bad input: corrupt .gdb, DXF with only open polylines, XLSX without a Y column: Chinese message, nothing written', async () => {
      await refused(`${FX}/corrupt.gdb`, 'BAD_GDAL', /corrupt\.gdb: 无法作为 FileGDB 打开：文件已损坏/);
      await refused(
        `${FX}/open_only.dxf`,
        'BAD_GDAL',
        /open_only\.dxf: DXF 中没有闭合的多段线、圆或填充.*2 条开放的线未导入：图层 ROAD 句柄 3A、图层 ROAD 句柄 3B/,
      );
      await refused(
        `${FX}/missing_column.xlsx`,
        'BAD_GDAL',
        /missing_column\.xlsx, line 1: 工作表 界址点 第 1 行表头缺少列：Y（横坐标，东，带带号）；表头为：点号、X、地块编号/,
      );
    });
  });
}
