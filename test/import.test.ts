// Importers through the real pipeline into a real PostGIS, on every test database: good files of
// each format read back exactly, and broken files refused with a clear error and no change.
// Expected values are worked out by hand in the fixtures' README files.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { importFile, ImportRejected } from '../src/importers/pipeline.ts';
import { ImportError } from '../src/importers/types.ts';
import { exportLayer } from '../src/exporters/index.ts';

const FX = 'fixtures/import';

for (const tdb of testDatabases()) {
  describe(`importers on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-import-'));
    });
    after(async () => {
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    const areaOf = async (layer: string, fid: string) =>
      (
        await h.db.query<{ planar: number; ell: number }>(
          `SELECT f.planar_m2 AS planar, f.area_m2 AS ell FROM feature f JOIN layer l ON l.id = f.layer_id
          WHERE l.code = $1 AND f.fid = $2 AND f.v_to IS NULL`,
          [layer, fid],
        )
      ).rows[0];

    /** Runs an import that must fail, and checks the database did not change. */
    async function refused(path: string, layer: string, match: RegExp, opts: Record<string, unknown> = {}) {
      const before = await storeSnapshot(h.db);
      await assert.rejects(importFile(h.db, h.config, path, { layer, ...opts }), (e: unknown) => {
        assert.ok(e instanceof ImportError || e instanceof ImportRejected, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
        assert.match((e as Error).message, match);
        return true;
      });
      assert.equal(await storeSnapshot(h.db), before, 'a refused import must leave the database unchanged');
    }

    test('GBK shapefile: Chinese attribute names and values read back exactly, areas by hand', async () => {
      // Record 4 is a null shape: refused by default, left out (and reported) with skipEmpty.
      await refused(`${FX}/shapefile/dltb_gbk`, 'DLTB', /record 4.*no geometry.*--skip-empty/);
      const r = await importFile(h.db, h.config, `${FX}/shapefile/dltb_gbk`, { layer: 'DLTB', skipEmpty: true, qc: false }); // a reader fixture (no TBMJ): 质检 is test/qc.test.ts's
      assert.equal(r.sourceSrid, 4528);
      assert.deepEqual(
        r.skipped.map((p) => p.fid),
        ['4'],
      );
      const rows = (
        await h.db.query<{ fid: string; props: Record<string, unknown> }>(
          `SELECT f.fid, f.props FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = 'DLTB' ORDER BY f.fid::int`,
        )
      ).rows;
      assert.equal(rows[0].props.DLMC, '水田');
      assert.equal(rows[0].props['权属单位'], '西湖区转塘街道');
      assert.equal(rows[1].props.DLMC, '旱地');
      assert.equal(rows[1].props['权属单位'], '余杭区良渚街道');
      assert.equal(rows[2].props.DLMC, '乔木林地');
      // Record 1: 100 m square minus a 20 m square hole = 9600 m². Record 2: 50 × 50 plus
      // (50 × 50 − 10 × 10) = 2500 + 2400 = 4900 m². Zone 40 (central meridian): planar is exact.
      assert.ok(Math.abs((await areaOf('DLTB', '1')).planar - 9600) < 0.01);
      assert.ok(Math.abs((await areaOf('DLTB', '2')).planar - 4900) < 0.01);
      assert.ok(Math.abs((await areaOf('DLTB', '1')).ell - 9600) / 9600 < 0.001);
    });

    test('zipped shapefile imports the same as the folder', async () => {
      const r = await importFile(h.db, h.config, `${FX}/shapefile/dltb_gbk.zip`, { layer: 'ZIPPED', skipEmpty: true });
      assert.equal(
        r.featureCount,
        (await importFile(h.db, h.config, `${FX}/shapefile/dltb_gbk`, { layer: 'FOLDER', skipEmpty: true })).featureCount,
      );
      assert.ok(Math.abs((await areaOf('ZIPPED', '1')).planar - 9600) < 0.01);
    });

    test('coordinate TXT with a hole gives the hand-computed area and checks the declared one', async () => {
      const r = await importFile(h.db, h.config, `${FX}/coordtxt/two_parcels_gbk.txt`, { layer: 'BPDK' });
      assert.equal(r.sourceSrid, 4528);
      assert.equal(r.featureCount, 2);
      // DK-01: 10000 − 400 = 9600 m²; DK-02: 50 × 40 = 2000 m² (fixture README).
      assert.ok(Math.abs((await areaOf('BPDK', 'DK-01')).planar - 9600) < 0.01);
      assert.ok(Math.abs((await areaOf('BPDK', 'DK-02')).planar - 2000) < 0.01);
      assert.ok(Math.abs(r.areaM2.planar - 11600) < 0.02);
      const d = r.declaredAreas!.find((x) => x.fid === 'DK-01')!;
      assert.equal(d.declaredM2, 9600);
      assert.ok(Math.abs(d.differenceM2!) < 0.01);
    });

    test('GeoJSON and GeoPackage import', async () => {
      const g = await importFile(h.db, h.config, `${FX}/geojson/good_parcels.geojson`, { layer: 'GJ' });
      assert.equal(g.featureCount, 2);
      assert.equal(g.sourceSrid, 4490);
      // two_layers.gpkg holds two layers: without naming one the reader refuses, listing them.
      await refused(`${FX}/gpkg/two_layers.gpkg`, 'GP', /parcels, parcels_4549/);
      // parcels_4549: the 100 m square in GK zone 40 without prefix → 10000 m² = 15 亩 planar.
      const p = await importFile(h.db, h.config, `${FX}/gpkg/two_layers.gpkg`, { layer: 'GP', sourceLayer: 'parcels_4549' });
      assert.equal(p.sourceSrid, 4549);
      assert.ok(Math.abs(p.areaM2.planar - 10000) < 0.01);
    });

    test('broken files are refused with a clear error and change nothing', async () => {
      await refused(`${FX}/shapefile/broken/truncated`, 'BROKEN', /truncated/);
      await refused(`${FX}/shapefile/broken/missing_dbf`, 'BROKEN', /\.dbf/);
      await refused(`${FX}/geojson/self_intersecting.geojson`, 'BROKEN', /BOW-2.*Self-intersection/);
      await refused(`${FX}/geojson/swapped_axes.geojson`, 'BROKEN', /swapped/);
      await refused(`${FX}/geojson/empty.geojson`, 'BROKEN', /empty/);
      await refused(`${FX}/coordtxt/empty.txt`, 'BROKEN', /empty/);
      await refused(`${FX}/coordtxt/malformed_point.txt`, 'BROKEN', /line 16/);
      await refused(`${FX}/coordtxt/swapped_axes.txt`, 'BROKEN', /swapped/);
      // A .prj that says degrees (EPSG:4490) on coordinates in Gauss-Krüger metres.
      const wrong = join(tmp, 'wrong_prj');
      cpSync(`${FX}/shapefile/dltb_gbk`, wrong, { recursive: true });
      copyFileSync(`${FX}/shapefile/prj/esri_4490.prj`, join(wrong, 'dltb_gbk.prj'));
      await refused(wrong, 'BROKEN', /degrees but the coordinates .* look like metres/);
      // Polygons into a point layer.
      await refused(`${FX}/geojson/good_parcels.geojson`, 'GGFWSS', /POLYGON but layer GGFWSS holds Point/);
    });

    test('--make-valid repairs the bow-tie and lists it', async () => {
      const r = await importFile(h.db, h.config, `${FX}/geojson/self_intersecting.geojson`, { layer: 'REPAIRED', makeValid: true });
      assert.equal(r.featureCount, 2);
      assert.deepEqual(
        r.invalid.map((p) => p.fid),
        ['BOW-2'],
      );
    });

    test('exports: GeoJSON, GBK shapefile and coordinate TXT read back', async () => {
      const gj = join(tmp, 'dltb.geojson');
      assert.equal((await exportLayer(h.db, 'DLTB', 'geojson', gj)).featureCount, 3);
      const fc = JSON.parse(readFileSync(gj, 'utf8'));
      assert.equal(fc.features[0].properties.DLMC, '水田');
      const shp = join(tmp, 'out', 'dltb.shp');
      (await import('node:fs')).mkdirSync(join(tmp, 'out'));
      await exportLayer(h.db, 'DLTB', 'shp', shp, { encoding: 'GBK' });
      const back = await importFile(h.db, h.config, shp, { layer: 'DLTB_BACK' });
      assert.equal(back.featureCount, 3);
      assert.ok(Math.abs((await areaOf('DLTB_BACK', '1')).planar - 9600) < 0.01);
      const row = (
        await h.db.query<{ props: Record<string, unknown> }>(
          `SELECT f.props FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = 'DLTB_BACK' AND f.fid = '1'`,
        )
      ).rows[0];
      assert.equal(row.props.DLMC, '水田');
      const txt = join(tmp, 'dk01.txt');
      await exportLayer(h.db, 'BPDK', 'txt', txt, { fids: ['DK-01'] });
      const again = await importFile(h.db, h.config, txt, { layer: 'BPDK_BACK' });
      assert.ok(Math.abs(again.areaM2.planar - 9600) < 0.01);
    });
  });
}
