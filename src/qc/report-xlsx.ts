// The quality-check report as a workbook, from the same content as the HTML and the PDF
// (report-content.ts): sheets 汇总 / 按规则 / 按图层 / 按行政区 / 错误清单, header rows frozen and
// columns sized by addSheet. Data text goes in as plain string cells (never a formula) and numbers
// as numbers, so the error list can be filtered and summed.
import ExcelJS from 'exceljs';
import { addSheet } from '../indicators/tables.ts';
import { qcReportContent } from './report-content.ts';
import type { QcReport } from './types.ts';

export async function qcReportXlsx(input: QcReport | QcReport[]): Promise<Buffer> {
  const c = qcReportContent(input);
  const wb = new ExcelJS.Workbook();
  wb.creator = '国土空间规划“一张图”实施监督信息系统';
  wb.title = c.title;
  const summary = addSheet(
    wb,
    '汇总',
    ['项目', '内容'],
    [
      ['报告', c.title],
      ...c.checked.map((l) => ['检查对象', l]),
      ['结论', c.verdict],
      ['阻断入库错误数', c.counts.blocking],
      ['提示数', c.counts.warning],
      ['未执行的规则数', c.counts.skipped],
      ...c.skipped.map((s) => ['未执行', `${s.layer} ${s.rule} ${s.title}：${s.reason}`]),
      ...c.standards.map((s) => ['依据标准', s]),
      ...(c.listedAll ? [] : [['说明', '每条规则至多列出前 1000 条错误，统计数为全部']]),
    ],
    [16, 100],
  );
  summary.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  addSheet(
    wb,
    '按规则',
    ['图层', '规则', '检查内容', '严重程度', '依据', '错误数', '结果'],
    c.byRule.map((x) => [x.layer, x.rule, x.title, x.severity, x.basis, x.errors, x.result]),
  );
  addSheet(
    wb,
    '按图层',
    ['图层代码', '图层名称', '检查对象', '要素数', '阻断入库', '提示', '结论'],
    c.byLayer.map((l) => [l.layer, l.name, l.source, l.features, l.blocking, l.warning, l.verdict]),
  );
  addSheet(
    wb,
    '按行政区',
    ['行政区', '阻断入库', '提示', '错误数'],
    c.byDistrict.map((d) => [d.district, d.blocking, d.warning, d.blocking + d.warning]),
  );
  addSheet(
    wb,
    '错误清单',
    ['图层', '要素编号', '规则', '严重程度', '说明', '量测值', '经度（CGCS2000）', '纬度（CGCS2000）', '行政区'],
    c.errors.map((e) => [e.layer, e.fid, e.rule, e.severity, e.message, e.value, e.lon, e.lat, e.district]),
    [8, 18, 20, 10, 90, 12, 14, 14, 18],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
