// The quality-check report as a PDF (A4 landscape, for the eight columns of the error list), drawn
// with pdfkit through the page-flow writer and the Noto Sans SC fonts of the other documents
// (review opinion, indicators' report), from the same content as the HTML (report-content.ts).
import PDFDocument from 'pdfkit';
import { FontBook, pdfBytes, pdfOptionsFromEnv, type PdfOptions } from '../review/opinion/pdf-fonts.ts';
import { PAGE, Writer } from '../indicators/report/pdf-layout.ts';
import { qcReportContent } from './report-content.ts';
import type { QcReport } from './types.ts';

const BLUE = '#1f3a93';
const RED = '#b00020';
const GREEN = '#15803d';

export async function qcReportPdf(input: QcReport | QcReport[], options: PdfOptions = pdfOptionsFromEnv()): Promise<Buffer> {
  const c = qcReportContent(input);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: c.title, Author: '国土空间规划“一张图”实施监督信息系统', Subject: '成果质检报告' },
  });
  const done = pdfBytes(doc);
  const w = new Writer(doc, new FontBook(doc, options.font ?? null));
  const h2 = (t: string) => {
    w.ensure(60);
    w.text(t, { size: 12.5, bold: true, color: BLUE, gap: 4 });
  };

  w.text(c.title, { size: 17, bold: true, align: 'center', color: BLUE, gap: 10 });
  h2('一、检查对象与结论');
  for (const l of c.checked) w.text(`检查对象：${l}`, { size: 10, gap: 2 });
  w.text(`结论：${c.verdict}；提示 ${c.counts.warning} 条${c.counts.skipped ? `；${c.counts.skipped} 条规则未执行` : ''}。`, {
    size: 11,
    bold: true,
    color: c.passed ? GREEN : RED,
    gap: 4,
  });
  w.text(`依据标准：${c.standards.join('；')}`, { size: 10, gap: 8 });

  h2('二、按规则统计');
  w.table(
    [
      { title: '图层', width: 0.07 },
      { title: '规则', width: 0.15 },
      { title: '检查内容', width: 0.25 },
      { title: '严重程度', width: 0.08, align: 'center' },
      { title: '依据', width: 0.33 },
      { title: '结果', width: 0.12, align: 'right' },
    ],
    c.byRule.map((x) => [
      { text: x.layer },
      { text: x.rule },
      { text: x.title },
      { text: x.severity },
      { text: x.basis },
      { text: x.result, color: x.errors === null ? '#6b7280' : x.errors ? RED : GREEN, bold: !!x.errors },
    ]),
  );
  if (c.skipped.length) {
    h2('未执行的规则');
    w.table(
      [
        { title: '图层', width: 0.08 },
        { title: '规则', width: 0.17 },
        { title: '检查内容', width: 0.3 },
        { title: '原因', width: 0.45 },
      ],
      c.skipped.map((s) => [{ text: s.layer }, { text: s.rule }, { text: s.title }, { text: s.reason }]),
    );
  }

  h2('三、按图层统计');
  w.table(
    [
      { title: '图层', width: 0.22 },
      { title: '检查对象', width: 0.3 },
      { title: '要素数', width: 0.12, align: 'right' },
      { title: '阻断入库', width: 0.12, align: 'right' },
      { title: '提示', width: 0.12, align: 'right' },
      { title: '结论', width: 0.12, align: 'center' },
    ],
    c.byLayer.map((l) => [
      { text: `${l.layer} ${l.name}` },
      { text: l.source },
      { text: String(l.features) },
      { text: String(l.blocking) },
      { text: String(l.warning) },
      { text: l.verdict, color: l.blocking ? RED : GREEN, bold: true },
    ]),
  );

  h2(`四、按行政区统计${c.listedAll ? '' : '（列出的错误）'}`);
  w.table(
    [
      { title: '行政区', width: 0.4 },
      { title: '阻断入库', width: 0.2, align: 'right' },
      { title: '提示', width: 0.2, align: 'right' },
      { title: '错误数', width: 0.2, align: 'right' },
    ],
    c.byDistrict.length
      ? c.byDistrict.map((d) => [
          { text: d.district },
          { text: String(d.blocking) },
          { text: String(d.warning) },
          { text: String(d.blocking + d.warning) },
        ])
      : [[{ text: '无' }, { text: '' }, { text: '' }, { text: '' }]],
  );

  h2(`五、错误清单${c.listedAll ? '' : '（每条规则至多列出前 1000 条，统计为全部）'}`);
  if (!c.errors.length) w.text('没有错误。', { size: 10 });
  else
    w.table(
      [
        { title: '图层', width: 0.06 },
        { title: '要素编号', width: 0.1 },
        { title: '规则', width: 0.1 },
        { title: '严重程度', width: 0.07, align: 'center' },
        { title: '说明', width: 0.37 },
        { title: '量测值', width: 0.08, align: 'right' },
        { title: '位置（CGCS2000 经纬度）', width: 0.12 },
        { title: '行政区', width: 0.1 },
      ],
      c.errors.map((e) => [
        { text: e.layer },
        { text: e.fid },
        { text: e.rule },
        { text: e.severity, color: e.severity === '阻断入库' ? RED : undefined },
        { text: e.message },
        { text: String(e.value) },
        { text: e.location },
        { text: e.district },
      ]),
      8,
    );

  // Page numbers once the page count is known.
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const label = `${c.title}　第 ${p - range.start + 1} 页 / 共 ${range.count} 页`;
    const line = w.lines(label, 8, false, w.width)[0];
    w.drawLine(line, w.left + (w.width - w.lineWidth(line)) / 2, doc.page.height - 36, 8, '#9ca3af');
  }
  doc.end();
  return done;
}
