// The coordinate TXT export writes back what the import read (issue 18 item 5): the [属性描述]
// fields (数据产生单位, 日期, 精度, …), each parcel's point names and 圈号, coordinates to the file's
// 精度. A parcel whose geometry no longer fits its names gets J1, J2, … and a warning.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { exportLayer } from '../src/exporters/index.ts';

const N = 3345678.12;
const E = 40512345.67;
const at = (name: string, ring: number, dn: number, de: number) => `${name},${ring},${(N + dn).toFixed(2)},${(E + de).toFixed(2)}`;

// The file as a bureau writes it: GBK, CRLF, extra header fields, 精度 0.01 and coordinates to match,
// point names J01…, a hole numbered 圈号 2 with its own names, and a two-part parcel.
const HEADER = [
  '[属性描述]',
  '格式版本号=1.01',
  '数据产生单位=杭州市规划和自然资源局',
  '数据产生日期=2024-05-20',
  '坐标系=2000国家大地坐标系',
  '几度分带=3',
  '投影类型=高斯克吕格',
  '计量单位=米',
  '带号=40',
  '精度=0.01',
  '转换参数=,,,,,,',
  '[地块坐标]',
];
// DK01: 100 m (east) × 80 m (north) less a 20 m × 10 m hole = 8 000 − 200 = 7 800 m² = 0.7800 公顷.
const DK01 = [
  '10,0.7800,DK01,一号地块,面,H51G012034,住宅用地,0701,@',
  at('J01', 1, 0, 0),
  at('J02', 1, 80, 0),
  at('J03', 1, 80, 100),
  at('J04', 1, 0, 100),
  at('J01', 1, 0, 0),
  at('K1', 2, 20, 20),
  at('K2', 2, 30, 20),
  at('K3', 2, 30, 40),
  at('K4', 2, 20, 40),
  at('K1', 2, 20, 20),
];
// DK02: two 50 m squares 200 m apart, 圈号 1 and 2 = 5 000 m² = 0.5000 公顷.
const DK02 = [
  '10,0.5000,DK02,二号地块,面,,商业用地,0501,@',
  at('A1', 1, 0, 300),
  at('A2', 1, 50, 300),
  at('A3', 1, 50, 350),
  at('A4', 1, 0, 350),
  at('A1', 1, 0, 300),
  at('B1', 2, 0, 550),
  at('B2', 2, 50, 550),
  at('B3', 2, 50, 600),
  at('B4', 2, 0, 600),
  at('B1', 2, 0, 550),
];

for (const tdb of testDatabases()) {
  describe(`coordinate TXT export round trip on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let tmp: string;
    before(async () => {
      h = await tdb.open();
      tmp = mkdtempSync(join(tmpdir(), 'onemap-txt-export-'));
    });
    after(async () => {
      await h.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    test('TXT → import → export gives the same file: header fields, point names, 圈号, coordinates to 精度', async () => {
      const text = [...HEADER, ...DK01, ...DK02].join('\r\n') + '\r\n';
      const src = join(tmp, 'bureau.txt');
      writeFileSync(src, iconv.encode(text, 'gbk'));
      const imp = await importFile(h.db, h.config, src, { layer: 'TXT_RT' });
      assert.equal(imp.featureCount, 2);

      const out = join(tmp, 'out.txt');
      const r = await exportLayer(h.db, 'TXT_RT', 'txt', out);
      assert.deepEqual(r.warnings, []);
      // Byte for byte once decoded: nothing renamed, nothing dropped, 地块面积 recomputed equal to the
      // declared one (the rectangles are exact), coordinates at 2 decimals as 精度=0.01 says.
      assert.equal(iconv.decode(readFileSync(out), 'gbk'), text);

      // The names are not attributes: the GeoJSON export's properties carry none of them.
      const gj = join(tmp, 'out.geojson');
      await exportLayer(h.db, 'TXT_RT', 'geojson', gj);
      const props = (JSON.parse(readFileSync(gj, 'utf8')) as { features: { properties: Record<string, unknown> }[] }).features.map(
        (f) => f.properties,
      );
      assert.deepEqual(Object.keys(props[0]).sort(), [
        '图幅号',
        '图形属性',
        '地块名称',
        '地块用途',
        '地块编号',
        '地块面积公顷',
        '地类编码',
        '界址点数',
      ]);
      assert.doesNotMatch(readFileSync(gj, 'utf8'), /J01|"K1"|source_points/);
    });

    test('a parcel whose stored geometry no longer fits its point names is renumbered J1… with a warning', async () => {
      // A bow-tie J1 (0,0) → J2 (0,100 E) → J3 (100 N,0) → J4 (100 N,100 E): --make-valid stores two
      // triangles (8 vertices in 2 rings), so the 5 names of the one ring written no longer fit.
      const text = [
        ...HEADER,
        '5,0.5000,DK09,蝴蝶地块,面,,,,@',
        at('J01', 1, 0, 0),
        at('J02', 1, 0, 100),
        at('J03', 1, 100, 0),
        at('J04', 1, 100, 100),
        at('J01', 1, 0, 0),
      ].join('\r\n');
      const src = join(tmp, 'bowtie.txt');
      writeFileSync(src, iconv.encode(text, 'gbk'));
      await importFile(h.db, h.config, src, { layer: 'TXT_BOW', makeValid: true });
      const out = join(tmp, 'bowtie-out.txt');
      const r = await exportLayer(h.db, 'TXT_BOW', 'txt', out);
      assert.equal(r.warnings?.length, 1, r.warnings?.join(' | '));
      assert.match(r.warnings![0], /^地块 DK09 的几何在导入后已改变（现有 2 个环、8 个点，导入时为 1 个环、5 个点）.*J1、J2… 重新编号/);
      const written = iconv.decode(readFileSync(out), 'gbk').split('\r\n');
      const points = written.slice(written.indexOf('[地块坐标]') + 2).filter(Boolean);
      assert.deepEqual(
        points.map((l) => l.split(',').slice(0, 2).join(',')),
        ['J1,1', 'J2,1', 'J3,1', 'J1,1', 'J4,2', 'J5,2', 'J6,2', 'J4,2'],
      );
      // The header is still the file's.
      assert.ok(written.includes('数据产生单位=杭州市规划和自然资源局'));
    });
  });
}
