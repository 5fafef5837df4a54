// 成果汇交 packages (issue 17 item 2): a zip or folder of several layers is mapped to catalogue
// layers by the standard names of the national database specifications and imported all or
// nothing, in one transaction. Shapefiles are written here in CGCS2000 3° GK zone 40 with the zone
// prefix (EPSG:4528), near E 40512000 N 3345000 (杭州西湖区): planar areas are the rectangles'
// width × height; the ellipsoidal ones differ by ~4e-6 relative 12 km from the central meridian.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { zip } from './helpers/zip.ts';
import { writeShapefile, type ShpField } from '../src/exporters/shapefile.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { importPackage } from '../src/importers/package/package.ts';
import { GdalLoader } from '../src/importers/gdal/loader.ts';
import { DomainError } from '../src/errors.ts';

const PRJ = readFileSync('fixtures/import/shapefile/prj/esri_4528.prj', 'utf8');
const GDB = 'fixtures/formats';

type Rect = [number, number, number, number];
const ring = ([x0, y0, x1, y1]: Rect) => [
  [x0, y0],
  [x0, y1],
  [x1, y1],
  [x1, y0],
  [x0, y0],
];
/** A bow tie: the ring crosses itself, an invalid polygon (GEOS: Self-intersection). */
const bowTie = ([x0, y0, x1, y1]: Rect) => [
  [x0, y0],
  [x1, y1],
  [x1, y0],
  [x0, y1],
  [x0, y0],
];

interface Layer {
  name: string;
  fields: ShpField[];
  features: { ring: number[][]; props: Record<string, unknown> }[];
}

/** Writes the layers as shapefiles into `dir` and returns their files (name → bytes) for a zip. */
async function shapefiles(dir: string, layers: Layer[]): Promise<{ name: string; data: Buffer }[]> {
  for (const l of layers) {
    const w = writeShapefile(join(dir, `${l.name}.shp`), { geometryType: 'Polygon', fields: l.fields, encoding: 'UTF-8', prjWkt: PRJ });
    for (const f of l.features) w.write(geometryToWkb({ type: 'Polygon', coordinates: [f.ring] }), f.props);
    await w.close();
  }
  return readdirSync(dir).map((n) => ({ name: `成果/${n}`, data: readFileSync(join(dir, n)) }));
}

const XZQ_RECT: Rect = [40512000, 3345000, 40513000, 3346000]; // 1000 m × 1000 m = 1 000 000 m²
const xzq: Layer = {
  name: 'XZQ',
  fields: [
    { name: 'XZQDM', type: 'C', length: 12 },
    { name: 'XZQMC', type: 'C', length: 100 },
  ],
  features: [{ ring: ring(XZQ_RECT), props: { XZQDM: '330106', XZQMC: '西湖区' } }],
};
// 400 m × 500 m = 200 000 m² (300 亩), inside the 行政区.
const czkfbj = (rect: Rect = [40512100, 3345100, 40512500, 3345600]): Layer => ({
  name: 'CZKFBJ',
  fields: [
    { name: 'BJBH', type: 'C', length: 20 },
    { name: 'BJLX', type: 'C', length: 20 },
  ],
  features: [{ ring: ring(rect), props: { BJBH: 'CZ01', BJLX: '城镇集中建设区' } }],
});
// 200 m × 200 m = 40 000 m² (60 亩); a second feature as given.
const stbhhx = (second?: number[][]): Layer => ({
  name: '生态保护红线',
  fields: [
    { name: 'HXBH', type: 'C', length: 20 },
    { name: 'HXMC', type: 'C', length: 50 },
  ],
  features: [
    { ring: ring([40512600, 3345100, 40512800, 3345300]), props: { HXBH: 'ST01', HXMC: '西湖山林' } },
    ...(second ? [{ ring: second, props: { HXBH: 'ST02', HXMC: '龙井' } }] : []),
  ],
});
const cjdcq: Layer = {
  name: 'CJDCQ',
  fields: [{ name: 'ZLDWDM', type: 'C', length: 19 }],
  features: [{ ring: ring([40512000, 3345000, 40512500, 3345500]), props: { ZLDWDM: '330106001001' } }],
};

for (const tdb of testDatabases()) {
  describe(`成果汇交数据包 [${tdb.name}]`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let dir: string;
    const gdal = new GdalLoader();
    before(async () => {
      h = await tdb.open();
      dir = mkdtempSync(join(tmpdir(), 'onemap-pkg-test-'));
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** A zip of the layers' shapefiles under 成果/, written to `name`. */
    async function pkg(name: string, layers: Layer[]): Promise<string> {
      const parts = mkdtempSync(join(dir, 'parts-'));
      const path = join(dir, name);
      writeFileSync(path, zip(await shapefiles(parts, layers)));
      return path;
    }

    async function versions(): Promise<Record<string, { version: number | null; features: number }>> {
      const r = await h.db.query<{ code: string; version: number | null; n: number }>(
        `SELECT l.code, l.active_version AS version, coalesce(v.feature_count, 0)::int AS n
           FROM layer l LEFT JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version
          WHERE l.code IN ('XZQ', 'CZKFBJ', 'STBHHX', 'DLTB') ORDER BY l.code`,
      );
      return Object.fromEntries(r.rows.map((x) => [x.code, { version: x.version, features: x.n }]));
    }

    async function refused(path: string, opts: Partial<Parameters<typeof importPackage>[3]>, code: string, pattern: RegExp) {
      const before = await storeSnapshot(h.db);
      const v = await versions();
      await assert.rejects(importPackage(h.db, h.config, path, { gdal, ...opts }), (e: unknown) => {
        assert.ok(e instanceof DomainError, String(e));
        assert.equal(e.code, code, e.message);
        assert.match(e.message, pattern);
        return true;
      });
      assert.equal(await storeSnapshot(h.db), before, 'nothing written');
      assert.deepEqual(await versions(), v, 'every layer unchanged');
    }

    test('a zip of three shapefiles imports as three versions in one go, mapped by standard name', async () => {
      const path = await pkg('总体规划成果.zip', [xzq, czkfbj(), stbhhx()]);
      const r = await importPackage(h.db, h.config, path, { gdal, user: 'test' });
      assert.equal(r.dryRun, false);
      assert.deepEqual(r.skipped, []);
      // XZQ first: CZKFBJ's 质检 rule within-XZQ reads it (the package's own 行政区).
      assert.deepEqual(
        r.layers.map((l) => [l.code, l.sourceLayer, l.mappedBy, l.result.version, l.result.unchanged, l.result.featureCount]),
        [
          ['XZQ', 'XZQ', 'standard', 1, false, 1],
          ['CZKFBJ', 'CZKFBJ', 'standard', 1, false, 1],
          ['STBHHX', '生态保护红线', 'standard', 1, false, 1],
        ],
      );
      assert.match(r.layers[1].file, /总体规划成果\.zip: 成果\/CZKFBJ\.shp$/);
      const planar = r.layers.map((l) => l.result.areaM2.planar);
      for (const [got, want] of planar.map((p, i) => [p, [1_000_000, 200_000, 40_000][i]]))
        assert.ok(Math.abs(got - want) < 0.01, `planar ${got} vs ${want}`);
      for (const l of r.layers)
        assert.ok(Math.abs(l.result.areaM2.ellipsoidal - l.result.areaM2.planar) / l.result.areaM2.planar < 1e-4, l.code);
      // With the package's 行政区 in force, the containment rule ran: it is not among the skipped rules.
      assert.ok(!r.layers[1].result.warnings.some((w) => w.includes('CZKFBJ.within-XZQ')), r.layers[1].result.warnings.join('\n'));
      assert.deepEqual(await versions(), {
        CZKFBJ: { version: 1, features: 1 },
        DLTB: { version: null, features: 0 },
        STBHHX: { version: 1, features: 1 },
        XZQ: { version: 1, features: 1 },
      });
      const src = await h.db.query<{ source_path: string }>(
        `SELECT v.source_path FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = 'CZKFBJ'`,
      );
      assert.match(
        src.rows[0].source_path,
        /总体规划成果\.zip: 成果\/CZKFBJ\.shp$/,
        'the version names the file in the package, not a temporary path',
      );

      // The same package again changes nothing and writes no version.
      const again = await importPackage(h.db, h.config, path, { gdal });
      assert.deepEqual(
        again.layers.map((l) => [l.code, l.result.unchanged, l.result.version]),
        [
          ['XZQ', true, 1],
          ['CZKFBJ', true, 1],
          ['STBHHX', true, 1],
        ],
      );
    });

    test('a blocking 质检 error in one layer leaves every layer unchanged; the message names file, layer and feature', async () => {
      // The package's 行政区 is 100 m narrower than the one in force (east edge at 40512900) and the
      // boundary reaches 40512950: inside the stored 行政区 but 50 m × 200 m = 10 000 m² outside the
      // package's own on the plane (rule CZKFBJ.within-XZQ, blocking), 9 999.95 m² on the ellipsoid
      // (4.5e-6 less, 13 km east of the central meridian). The new red line alone would be fine.
      const narrower: Layer = { ...xzq, features: [{ ...xzq.features[0], ring: ring([40512000, 3345000, 40512900, 3346000]) }] };
      const path = await pkg('越界.zip', [
        narrower,
        czkfbj([40512700, 3345100, 40512950, 3345300]),
        stbhhx(ring([40512600, 3345400, 40512700, 3345500])),
      ]);
      await refused(
        path,
        {},
        'qc_rejected',
        /越界\.zip.*文件 .*越界\.zip: 成果\/CZKFBJ\.shp 图层「CZKFBJ」.*CZKFBJ\.within-XZQ.*要素 CZ01 有 9,999\.9\d m²/,
      );
    });

    test('one bad feature in one layer leaves every layer unchanged; the message names file, layer and feature', async () => {
      // The new 城镇开发边界 is valid (a smaller rectangle); the red line's second feature is a bow tie.
      const path = await pkg('坏要素.zip', [
        xzq,
        czkfbj([40512100, 3345100, 40512400, 3345600]),
        stbhhx(bowTie([40512600, 3345400, 40512700, 3345500])),
      ]);
      await refused(
        path,
        {},
        'import_rejected',
        /坏要素\.zip: 成果\/生态保护红线\.shp 图层「生态保护红线」（→ STBHHX .*feature ST02.*invalid geometry: Self-intersection/,
      );
    });

    test('an unknown layer refuses the package naming file and layer; --skip-unknown imports the rest and lists it', async () => {
      const path = await pkg('三调.zip', [xzq, cjdcq]);
      await refused(
        path,
        {},
        'package_unknown_layers',
        /数据包 .*三调\.zip 中有 1 个图层无法对应到资源目录中的图层：文件 .*三调\.zip: 成果\/CJDCQ\.shp 图层「CJDCQ」（1 个要素）.*可识别的图层名.*YJJBNT（YJJBNTBHTB、永久基本农田、永久基本农田保护图斑）/,
      );
      const r = await importPackage(h.db, h.config, path, { gdal, skipUnknown: true });
      assert.deepEqual(
        r.layers.map((l) => [l.code, l.result.unchanged]),
        [['XZQ', true]],
      );
      assert.deepEqual(
        r.skipped.map((s) => [s.sourceLayer, s.featureCount]),
        [['CJDCQ', 1]],
      );
      assert.match(r.message, /1 个图层无法对应、未导入：.*CJDCQ/);
    });

    test('the FileGDB fixture as a package: 地类图斑 → DLTB and 行政区 → XZQ by their Chinese standard names', async () => {
      // Its 行政区 has no XZQDM/XZQMC: the XZQ rules refuse it, and DLTB is not written either.
      await refused(`${GDB}/two_layers.gdb`, {}, 'qc_rejected', /two_layers\.gdb 图层「行政区」（→ XZQ 行政区）.*XZQ\.fields/);
      // Without the quality check (an administrator's --no-qc) both go in: 10 000 + 5 000 m² of
      // 图斑, one 300 m × 200 m = 60 000 m² 行政区.
      const r = await importPackage(h.db, h.config, `${GDB}/two_layers.gdb.zip`, { gdal, qc: false, dryRun: true });
      assert.equal(r.dryRun, true);
      assert.deepEqual(
        r.layers.map((l) => [l.code, l.sourceLayer, l.mappedBy, l.result.featureCount, Math.round(l.result.areaM2.planar * 100) / 100]),
        [
          ['XZQ', '行政区', 'standard', 1, 60000],
          ['DLTB', '地类图斑', 'standard', 2, 15000],
        ],
      );
      assert.equal((await versions()).DLTB.version, null, 'a dry run writes nothing');
      assert.equal((await versions()).XZQ.version, 1);
      const w = await importPackage(h.db, h.config, `${GDB}/two_layers.gdb`, { gdal, qc: false });
      assert.deepEqual(
        w.layers.map((l) => [l.code, l.result.version]),
        [
          ['XZQ', 2],
          ['DLTB', 1],
        ],
      );
    });
  });
}
