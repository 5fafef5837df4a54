// 成果汇交 packages (issue 17 item 2): a zip or folder of several layers is mapped to catalogue
// layers by the standard names of the national database specifications and imported all or
// nothing, in one transaction. Shapefiles are written here in CGCS2000 3° GK zone 40 with the zone
// prefix (EPSG:4528), near E 40512000 N 3345000 (杭州西湖区): planar areas are the rectangles'
// width × height; the ellipsoidal ones differ by ~4e-6 relative 12 km from the central meridian.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { zip } from './helpers/zip.ts';
import { writeShapefile, type ShpField } from '../src/exporters/shapefile.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { importPackage } from '../src/importers/package/package.ts';
import { GdalLoader } from '../src/importers/gdal/loader.ts';
import { DomainError } from '../src/errors.ts';
import { buildApp } from '../src/server/app.ts';
import { authHeaders } from './helpers/auth.ts';
import { multipart } from './helpers/multipart.ts';

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

/** A zip of the layers' shapefiles under 成果/, written to `dir`/`name`. */
async function writePackage(dir: string, name: string, layers: Layer[]): Promise<string> {
  const parts = mkdtempSync(join(dir, 'parts-'));
  const path = join(dir, name);
  writeFileSync(path, zip(await shapefiles(parts, layers)));
  return path;
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

    const pkg = (name: string, layers: Layer[]) => writePackage(dir, name, layers);

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

    test('HTTP: one upload imports the package; a district officer changes nothing outside their districts', async () => {
      const app = await buildApp({ db: h.db, config: h.config });
      try {
        const upload = async (headers: Record<string, string>, path: string, fields: Record<string, string> = {}) => {
          const body = multipart([{ name: basename(path), content: readFileSync(path) }], fields);
          return app.inject({
            method: 'POST',
            url: '/api/packages/import',
            payload: body.payload,
            headers: { ...body.headers, ...headers },
          });
        };
        const planner = await authHeaders(h.db, 'planner');
        // Two districts: 西湖区 as before and 上城区 (330102) the next square east.
        const two: Layer = {
          ...xzq,
          features: [...xzq.features, { ring: ring([40513000, 3345000, 40514000, 3346000]), props: { XZQDM: '330102', XZQMC: '上城区' } }],
        };
        const path = await pkg('上传.zip', [two, czkfbj(), stbhhx(ring([40512600, 3345400, 40512700, 3345500]))]);
        assert.equal((await upload(planner, path, { qc: 'false' })).statusCode, 403, 'only an administrator may skip 质检');
        const before = await versions();
        const ok = await upload(planner, path, { note: '2026 年度更新' });
        assert.equal(ok.statusCode, 201, ok.body);
        const r = ok.json();
        assert.equal(r.package, '上传.zip');
        // The FileGDB test left its own 行政区 in force: the package's replaces it.
        assert.deepEqual(
          r.layers.map((l: { code: string; file: string; result: { version: number; unchanged: boolean; featureCount: number } }) => [
            l.code,
            l.file,
            l.result.version,
            l.result.unchanged,
            l.result.featureCount,
          ]),
          [
            ['XZQ', '上传.zip: 成果/XZQ.shp', before.XZQ.version! + 1, false, 2],
            ['CZKFBJ', '上传.zip: 成果/CZKFBJ.shp', before.CZKFBJ.version, true, 1],
            ['STBHHX', '上传.zip: 成果/生态保护红线.shp', before.STBHHX.version! + 1, false, 2],
          ],
        );
        // 40 000 + 100 m × 100 m = 50 000 m² of red line.
        assert.ok(Math.abs(r.layers[2].result.areaM2.planar - 50_000) < 0.01);

        // The red line lies in 西湖区 (330106): an officer of 上城区 (330102) may not move it.
        const after = await versions();
        const moved = await pkg('上城区.zip', [two, czkfbj(), stbhhx(ring([40512600, 3345600, 40512700, 3345700]))]);
        const east = await upload(await authHeaders(h.db, 'district', { districts: ['330102'] }), moved);
        assert.equal(east.statusCode, 403, east.body);
        assert.match(east.json().error, /上城区\.zip: 成果\/生态保护红线\.shp 图层「生态保护红线」（→ STBHHX/);
        assert.doesNotMatch(east.body, /onemap-upload-/, 'no temporary path in the answer');
        assert.deepEqual(await versions(), after);
        // An officer of 西湖区 may.
        const west = await upload(await authHeaders(h.db, 'district', { districts: ['330106'] }), moved);
        assert.equal(west.statusCode, 201, west.body);
        assert.equal((await versions()).STBHHX.version, after.STBHHX.version! + 1);
      } finally {
        await app.close();
      }
    });
  });
}

describe('onemap import / qc on a package (embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-pkg-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('qc checks every mapped layer; import without --layer takes the package; an unknown layer exits 1 naming it', async () => {
    // The FileGDB's layers carry no standard fields: XZQ and DLTB each fail their fields rule.
    const report = join(dir, '质检报告.xlsx');
    const qc = run('qc', `${GDB}/two_layers.gdb`, '--json', '--report', report);
    assert.equal(qc.code, 1, qc.err);
    // One report for the package: 按图层 lists both checked layers.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(report);
    const layerCol: string[] = [];
    wb.getWorksheet('按图层')!.eachRow((row, i) => {
      if (i > 1) layerCol.push(String(row.getCell(1).value));
    });
    assert.deepEqual(layerCol, ['XZQ', 'DLTB']);
    const q = JSON.parse(qc.out);
    assert.equal(q.passed, false);
    assert.deepEqual(
      q.layers.map((l: { layer: string; sourceLayer: string; passed: boolean }) => [l.layer, l.sourceLayer, l.passed]),
      [
        ['XZQ', '行政区', false],
        ['DLTB', '地类图斑', false],
      ],
    );
    assert.ok(q.layers[1].errors.some((e: { rule: string }) => e.rule === 'DLTB.fields'));
    // DLTB's no-gap rule read the package's 行政区 (written in the rolled-back check), so it ran.
    assert.ok(!q.layers[1].skipped.some((x: { rule: string }) => x.rule === 'DLTB.no-gap'), JSON.stringify(q.layers[1].skipped));

    const path = await writePackage(dir, '成果.zip', [xzq, czkfbj(), stbhhx()]);
    const imp = run('import', path, '--json');
    assert.equal(imp.code, 0, imp.err);
    const r = JSON.parse(imp.out);
    assert.deepEqual(
      r.layers.map((l: { code: string; result: { version: number } }) => [l.code, l.result.version]),
      [
        ['XZQ', 1],
        ['CZKFBJ', 1],
        ['STBHHX', 1],
      ],
    );
    const unknown = await writePackage(dir, '村级.zip', [xzq, cjdcq]);
    const bad = run('import', unknown);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /村级\.zip: 成果\/CJDCQ\.shp 图层「CJDCQ」（1 个要素）/);
    const skipped = run('import', unknown, '--skip-unknown');
    assert.equal(skipped.code, 0, skipped.err);
    assert.match(skipped.out, /未导入: .*CJDCQ\.shp 图层「CJDCQ」（1 个要素）/);
  });
});
