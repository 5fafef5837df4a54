// The quality-check report in PDF and XLSX next to the HTML (report-content.ts is what all three
// say): a known failing fixture — fixtures/qc/summary-table/fail, whose 汇总表 differs from the
// 图斑 in three rows (one figure +0.5 公顷, one combination missing, one extra) — and, for a
// package's report, with it a second layer's report (unique/fail: two 图斑 sharing a BSM). The PDF
// is read back as text with unpdf and the workbook with exceljs: every count and every error is
// there, and text from the data cannot break or script either document.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { testDatabases } from './helpers/db.ts';
import { pdfText } from './helpers/pdf-text.ts';
import { qcFile } from '../src/qc/qc.service.ts';
import { readSummaryTable } from '../src/qc/summary-table.ts';
import { qcReportPdf } from '../src/qc/report-pdf.ts';
import { qcReportXlsx } from '../src/qc/report-xlsx.ts';
import { qcReportHtml } from '../src/qc/report.ts';
import { qcReportFormat } from '../src/qc/report-file.ts';
import type { QcReport } from '../src/qc/types.ts';

const FAIL = 'fixtures/qc/summary-table/fail/one-off-one-missing-one-extra';
const DUP = 'fixtures/qc/unique/fail/duplicate-bsm';
const squash = (s: string) => s.replace(/\s+/g, '');

async function sheets(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const rows = (name: string) => {
    const ws = wb.getWorksheet(name)!;
    const out: unknown[][] = [];
    ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
    return out;
  };
  return { wb, rows };
}

for (const tdb of testDatabases()) {
  describe(`quality-check report in PDF and XLSX (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let r: QcReport;
    let dup: QcReport;
    before(async () => {
      h = await tdb.open();
      r = await qcFile(h.db, h.config, join(FAIL, 'DLTB.geojson'), {
        layer: 'DLTB',
        summary: await readSummaryTable(join(FAIL, '汇总表.csv')),
      });
      dup = await qcFile(h.db, h.config, join(DUP, 'DLTB.geojson'), { layer: 'DLTB' });
      assert.equal(r.errors.length, 3);
      assert.equal(dup.errors.length, 2);
    });
    after(async () => h?.close());

    test('the PDF carries the verdict, the standards, the counts and every error', async () => {
      const { pages, info } = await pdfText(await qcReportPdf(r));
      const text = squash(pages.join(''));
      assert.equal(info.Title, '成果质检报告：地类图斑（三调/变更调查）（DLTB）');
      for (const s of [
        '结论：不通过：3个阻断入库的错误',
        '检查对象：地类图斑（三调/变更调查）（DLTB）：文件DLTB.geojson，5个要素；汇总表汇总表.csv（5行，单位公顷）',
        '《第三次全国国土调查技术规程》（TD/T1055-2019）',
        '二、按规则统计',
        'DLTB.summary-table',
        '3处错误',
        '未执行', // DLTB.no-gap: no 行政区 in this database
        '三、按图层统计',
        '四、按行政区统计',
        '330108滨江区',
        '330106西湖区',
        '五、错误清单',
      ])
        assert.ok(text.includes(squash(s)), `PDF lacks “${s}”`);
      for (const e of r.errors) {
        assert.ok(text.includes(squash(e.message)), `PDF lacks the error ${e.fid}`);
        assert.ok(text.includes(squash(String(e.fid))));
      }
      assert.ok(!/onemap|--|fixtures|\/tmp/.test(pages.join('')), 'no commands or folders');
      assert.match(text, /第1页\/共\d+页/);
    });

    test('the XLSX has the five sheets, frozen headers, widths, the counts and every error as data', async () => {
      const { wb, rows } = await sheets(await qcReportXlsx(r));
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['汇总', '按规则', '按图层', '按行政区', '错误清单'],
      );
      for (const ws of wb.worksheets) {
        assert.equal(ws.views[0]?.state, 'frozen', ws.name);
        assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1, ws.name);
        assert.ok((ws.getColumn(1).width ?? 0) >= 8, `${ws.name}: column widths set`);
      }
      const summary = rows('汇总');
      assert.ok(summary.some((x) => x[0] === '结论' && x[1] === '不通过：3 个阻断入库的错误'));
      assert.ok(summary.some((x) => x[0] === '阻断入库错误数' && x[1] === 3));
      const byRule = rows('按规则');
      assert.deepEqual(byRule[0], ['图层', '规则', '检查内容', '严重程度', '依据', '错误数', '结果']);
      const st = byRule.find((x) => x[1] === 'DLTB.summary-table')!;
      assert.deepEqual([st[5], st[6]], [3, '3 处错误']);
      const gap = byRule.find((x) => x[1] === 'DLTB.no-gap')!;
      assert.deepEqual([gap[5], gap[6]], [undefined, '未执行'], 'a skipped rule has no count, not 0');
      assert.deepEqual(rows('按图层').slice(1), [['DLTB', '地类图斑（三调/变更调查）', '文件 DLTB.geojson', 5, 3, 0, '不通过']]);
      assert.deepEqual(
        rows('按行政区')
          .slice(1)
          .map((x) => [x[0], x[3]]),
        [
          ['330108 滨江区', 2],
          ['330106 西湖区', 1],
        ],
      );
      const errs = rows('错误清单').slice(1);
      assert.deepEqual(
        errs.map((x) => [x[0], x[1], x[2], x[3], x[5]]),
        r.errors.map((e) => ['DLTB', e.fid, 'DLTB.summary-table', '阻断入库', e.value]),
      );
      assert.deepEqual(
        errs.map((x) => x[4]),
        r.errors.map((e) => e.message),
      );
      assert.equal(typeof errs[0][5], 'number', 'measured values stay numbers');
    });

    test('a package: one row per layer, counts added up, in all three forms', async () => {
      const both = [r, { ...dup, layer: 'DLTB', layerName: '地类图斑（第二个文件）' }];
      const { rows } = await sheets(await qcReportXlsx(both));
      assert.deepEqual(
        rows('按图层')
          .slice(1)
          .map((x) => [x[1], x[3], x[4]]),
        [
          ['地类图斑（三调/变更调查）', 5, 3],
          ['地类图斑（第二个文件）', 3, 2],
        ],
      );
      assert.equal(rows('错误清单').length, 1 + 5);
      assert.ok(rows('汇总').some((x) => x[0] === '阻断入库错误数' && x[1] === 5));
      const text = squash((await pdfText(await qcReportPdf(both))).pages.join(''));
      assert.ok(text.includes('成果质检报告（2个图层）') && text.includes('不通过：5个阻断入库的错误'));
      for (const e of [...r.errors, ...dup.errors]) assert.ok(text.includes(squash(e.message)), e.message);
      assert.ok(qcReportHtml(both).includes('地类图斑（第二个文件）'));
    });

    test('text from the data is kept as text: no script, no formula, no broken XML', async () => {
      const evil: QcReport = structuredClone(r);
      evil.errors[0].message = '<script>alert(1)</script>\u0007=HYPERLINK("http://x","y")';
      evil.errors[1].fid = '=1+1';
      const html = qcReportHtml(evil);
      assert.ok(!html.includes('<script>') && html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      const { rows } = await sheets(await qcReportXlsx(evil));
      const errs = rows('错误清单').slice(1);
      assert.equal(errs[0][4], '<script>alert(1)</script>�=HYPERLINK("http://x","y")', 'a string cell, control character replaced');
      assert.equal(errs[1][1], '=1+1', 'a string, not a formula');
      const text = (await pdfText(await qcReportPdf(evil))).pages.join('');
      assert.ok(squash(text).includes(squash('<script>alert(1)</script>')));
      assert.ok(!text.includes('\u0007'));
    });
  });
}

test('the report form is picked by the extension; anything else is refused', () => {
  assert.deepEqual(['a.html', 'b.PDF', 'c.xlsx'].map(qcReportFormat), ['html', 'pdf', 'xlsx']);
  assert.throws(() => qcReportFormat('r.docx'), /质检报告只能写成 \.html、\.pdf 或 \.xlsx 文件/);
});

describe('onemap qc --summary --report (embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const x = spawnSync(process.execPath, ['bin/onemap.js', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });
    return { code: x.status, out: x.stdout, err: x.stderr };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-qcr-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the 汇总表 is compared and the report is written as PDF or XLSX by its extension', async () => {
    const pdf = run('qc', join(FAIL, 'DLTB.geojson'), '--summary', join(FAIL, '汇总表.csv'), '--report', join(dir, 'r.pdf'), '--json');
    assert.equal(pdf.code, 1, pdf.err);
    const j = JSON.parse(pdf.out);
    assert.deepEqual(j.counts.byRule, { 'DLTB.summary-table': 3 });
    assert.deepEqual(
      j.errors.map((e: { fid: string }) => e.fid),
      ['330108/0101', '330108/1003', '330106/1203'],
    );
    const text = squash((await pdfText(readFileSync(join(dir, 'r.pdf')))).pages.join(''));
    assert.ok(text.includes(squash('相差 +0.5000 公顷')));
    const xlsx = run('qc', join(FAIL, 'DLTB.geojson'), '--summary', join(FAIL, '汇总表.csv'), '--report', join(dir, 'r.xlsx'));
    assert.equal(xlsx.code, 1, xlsx.err);
    const { rows } = await sheets(readFileSync(join(dir, 'r.xlsx')));
    assert.equal(rows('错误清单').length, 4);
    const bad = run('qc', join(FAIL, 'DLTB.geojson'), '--report', join(dir, 'r.doc'));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /质检报告只能写成 \.html、\.pdf 或 \.xlsx 文件/);
  });
});
