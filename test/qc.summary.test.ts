// 图数一致 (kinds/summary-table.ts): the package's 汇总表 against the sums of the 图斑 by district and
// class. The layer is fixtures/qc/summary-table/*/DLTB.geojson: five 100 m × 100 m 图斑 of
// 10,000 m² (1 公顷) — a 330106/0101 with 500 m² of 田坎 (KCDLBM 1203) deducted, TBDLMJ 9,500;
// b 330106/0301; c 330108/0101; d, e 330108/0301 — so by (county, class), in 公顷: 330106/0101 0.95,
// 330106/1203 0.05, 330106/0301 1.00, 330108/0101 1.00, 330108/0301 2.00.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { testDatabases } from './helpers/db.ts';
import { qcFile } from '../src/qc/qc.service.ts';
import { readSummaryTable, summaryFromGrid } from '../src/qc/summary-table.ts';
import { Invalid } from '../src/errors.ts';

const PASS = 'fixtures/qc/summary-table/pass/two-districts';
const FAIL = 'fixtures/qc/summary-table/fail/one-off-one-missing-one-extra';

const refused = (grid: string[][], re: RegExp) =>
  assert.throws(
    () => summaryFromGrid('表.csv', grid),
    (e: unknown) => e instanceof Invalid && e.code === 'summary_table_invalid' && re.test(e.message),
  );

test('summary tables: headers, units in the header, above it or under it, and what is refused', async () => {
  const x = await readSummaryTable(join(PASS, '汇总表.xlsx'));
  assert.deepEqual([x.name, x.districtKind, x.unit, x.rows.length], ['汇总表.xlsx', 'location', '公顷', 5]);
  // Line 1 is the title, line 2 the header: the first figure is on line 3 and the 合计 row is left out.
  assert.deepEqual(x.rows[0], { line: 3, district: '330106', districtName: '西湖区', cls: '0101', clsName: '水田', area: 0.95 });
  const c = await readSummaryTable(join(FAIL, '汇总表.csv'));
  assert.deepEqual([c.unit, c.rows.length, c.rows[2].line, c.rows[2].area], ['公顷', 5, 5, 1.5]);
  // Excel on a Chinese Windows saves CSV in GBK.
  const gbk = iconv.encode('权属单位代码,地类编码,面积(亩)\r\n330106101,01,"1,234.5"\r\n', 'gbk');
  const g = await readSummaryTable('权属汇总.csv', gbk);
  assert.deepEqual([g.districtKind, g.unit, g.rows[0].district, g.rows[0].area], ['owner', '亩', '330106101', 1234.5]);
  const under = summaryFromGrid('t', [
    ['XZQDM', 'DLBM', '面积'],
    ['', '', '平方米'],
    ['330106', '0101', '9500'],
  ]);
  assert.deepEqual([under.unit, under.rows[0].line], ['平方米', 3]);
  assert.equal(
    summaryFromGrid('t', [
      ['行政区代码', '用地用海代码', '面积/hm²'],
      ['330106', '0701', '1'],
    ]).unit,
    '公顷',
  );
  refused(
    [
      ['行政区代码', '地类编码', '面积'],
      ['330106', '0101', '1'],
    ],
    /表\.csv：未注明面积单位/,
  );
  refused(
    [
      ['行政区代码', '地类编码', '面积（公顷）'],
      ['330106', '0101', '1'],
      ['330106', '0101', '2'],
    ],
    /第 3 行：330106 \/ 0101 与第 2 行重复/,
  );
  refused(
    [
      ['行政区代码', '地类编码', '面积（公顷）'],
      ['330106', '0101', '约1'],
    ],
    /第 2 行：面积“约1”不是数字/,
  );
  refused([['代码', '名称', '数量']], /找不到表头/);
  await assert.rejects(readSummaryTable('汇总表.xls', Buffer.from('x')), /只接受 \.xlsx 或 \.csv/);
});

for (const tdb of testDatabases()) {
  describe(`图数一致 (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    before(async () => {
      h = await tdb.open();
    });
    after(async () => h?.close());

    test('the fail names the row, district, class and both figures with units; missing and extra combinations', async () => {
      const r = await qcFile(h.db, h.config, join(FAIL, 'DLTB.geojson'), {
        layer: 'DLTB',
        summary: await readSummaryTable(join(FAIL, '汇总表.csv')),
      });
      const mine = r.errors.filter((e) => e.rule === 'DLTB.summary-table');
      assert.equal(mine.length, 3, r.errors.map((e) => e.message).join('\n'));
      assert.equal(r.counts.byRule['DLTB.summary-table'], 3);
      assert.equal(r.passed, false);
      const [off, extra, missing] = mine;
      assert.equal(
        off.message,
        '汇总表 汇总表.csv 第 5 行（330108 滨江区、0101 水田）：表中面积 1.5000 公顷，按 1 个图斑的TBDLMJ（KCMJ 计入 KCDLBM 所示地类）汇总为 1.0000 公顷，相差 +0.5000 公顷（+5,000.00 m²），超过容差 0.0100 公顷 (summary table ≠ sum of the layer)',
      );
      assert.deepEqual([off.fid, off.value, off.district], ['330108/0101', 5000, { code: '330108', name: '滨江区' }]);
      assert.ok(off.location, 'a mismatch is located at one of its 图斑');
      assert.match(
        extra.message,
        /^汇总表 汇总表\.csv 第 7 行（330108 滨江区、1003 公路用地）：表中面积 0\.3000 公顷，图层中没有该行政区、该地类的图斑/,
      );
      assert.deepEqual([extra.fid, extra.value, extra.location], ['330108/1003', 3000, null]);
      assert.match(
        missing.message,
        /^汇总表 汇总表\.csv 缺少 330106 西湖区、1203 田坎 一行：按 1 个图斑的TBDLMJ.*汇总为 0\.0500 公顷（500\.00 m²）/,
      );
      assert.deepEqual([missing.fid, missing.value], ['330106/1203', -500]);
      assert.deepEqual(r.summaryTable, { name: '汇总表.csv', unit: '公顷', rows: 5 });
      assert.ok(!r.skipped.some((s) => s.rule === 'DLTB.summary-table'));
    });

    test('a table at town level in 亩 with first-level classes is summed by code prefix', async () => {
      // 330106101 / 01 = a's 9,500 m² = 14.25 亩; /03 = b 15 亩; /12 = a's 田坎 500 m² = 0.75 亩;
      // 330108101 / 01 = c 15 亩; /03 = d + e 30 亩 (1 亩 = 10000/15 m²).
      const grid = [
        ['单位：亩'],
        ['坐落单位代码', '地类编码', '面积'],
        ['330106101', '01', '14.25'],
        ['330106101', '03', '15'],
        ['330106101', '12', '0.75'],
        ['330108101', '01', '15'],
        ['330108101', '03', '30'],
      ];
      const ok = await qcFile(h.db, h.config, join(PASS, 'DLTB.geojson'), { layer: 'DLTB', summary: summaryFromGrid('乡级汇总表', grid) });
      assert.deepEqual(ok.errors, [], ok.errors.map((e) => e.message).join('\n'));
      // 30 → 31 亩: 1 亩 = 666.67 m², over the 100 m² tolerance; 0.75 → 0.8 亩: 33.33 m², within it.
      grid[6][2] = '31';
      grid[4][2] = '0.8';
      const off = await qcFile(h.db, h.config, join(PASS, 'DLTB.geojson'), { layer: 'DLTB', summary: summaryFromGrid('乡级汇总表', grid) });
      assert.deepEqual(
        off.errors.map((e) => [e.fid, e.value]),
        [['330108101/03', 666.67]],
      );
      assert.match(off.errors[0].message, /表中面积 31\.0000 亩，按 2 个图斑的TBDLMJ.*汇总为 30\.0000 亩，相差 \+1\.0000 亩/);
    });

    test('no table: the rule is not executed, and the report says why instead of passing it', async () => {
      const r = await qcFile(h.db, h.config, join(PASS, 'DLTB.geojson'), { layer: 'DLTB' });
      const s = r.skipped.find((x) => x.rule === 'DLTB.summary-table');
      assert.ok(s, JSON.stringify(r.skipped));
      assert.match(s.reason, /未提供成果包的面积汇总表/);
      assert.equal(r.summaryTable, null);
    });
  });
}

test('the rule set cites its basis and tolerance beside the numbers', () => {
  const rs = JSON.parse(readFileSync('src/qc/default-ruleset.json', 'utf8'));
  const rule = rs.families.DLTB.rules.find((r: { id: string }) => r.id === 'DLTB.summary-table');
  assert.equal(rule.toleranceM2, 100);
  assert.match(rule.basis, /《第三次全国国土调查技术规程》/);
  assert.match(rule.$toleranceM2, /0\.01 公顷/);
});
